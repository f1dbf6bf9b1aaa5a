package io.berth.controller.replicaset;

import io.berth.apimachinery.selector.LabelSelector;
import io.berth.controller.runtime.ControllerRefs;
import io.berth.controller.runtime.EventRecorder;
import io.berth.controller.runtime.Expectations;
import io.berth.controller.runtime.Keys;
import io.berth.controller.runtime.Pods;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.Result;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.informers.cache.Lister;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One replica set's sync (Kubernetes' {@code syncReplicaSet}): claim its pods (adopt matching orphans, release those
 * that stopped matching), create or delete pods towards {@code replicas} when the expectations of its last sync are
 * met, and write the status its pods amount to. Idempotent; called for one key at a time.
 */
final class ReplicaSetSync implements Reconciler {

    private final Lister<ReplicaSet> sets;
    private final Indexer<Pod> pods;
    private final Expectations expectations;
    private final PodControl control;
    private final ReplicaSets api;
    private final EventRecorder events;
    private final Clock clock;

    ReplicaSetSync(Lister<ReplicaSet> sets, Indexer<Pod> pods, Expectations expectations, PodControl control,
                   ReplicaSets api, EventRecorder events, Clock clock) {
        this.sets = sets;
        this.pods = pods;
        this.expectations = expectations;
        this.control = control;
        this.api = api;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public Result reconcile(String key) throws Exception {
        ReplicaSet rs = sets.get(key);
        if (rs == null) {
            expectations.forget(key);
            return Result.done();
        }
        boolean needsSync = expectations.satisfied(key);
        LabelSelector selector = rs.getSpec().getSelector() == null ? LabelSelector.nothing()
                : LabelSelector.from(rs.getSpec().getSelector());
        // its own pods and the orphans of its namespace, not the whole namespace: 10,000 pods in one namespace would
        // make every sync of every set a scan of them all
        List<Pod> candidates = ControllerRefs.candidates(pods, rs).stream().filter(Pods::isActive).toList();
        List<Pod> active = claim(rs, selector, candidates);

        String failure = null;
        String failureReason = null;
        if (needsSync && rs.getMetadata().getDeletionTimestamp() == null) {
            int replicas = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
            ReplicaSetPlan.Scale scale = ReplicaSetPlan.scale(replicas, active);
            if (scale.create() > 0) {
                failure = create(key, rs, scale.create());
                failureReason = "FailedCreate";
            } else if (!scale.delete().isEmpty()) {
                failure = delete(key, rs, scale.delete());
                failureReason = "FailedDelete";
            }
        }

        ReplicaSetStatus status = ReplicaSetPlan.status(rs, active, failureReason, failure, clock.instant());
        if (ReplicaSetPlan.changed(rs.getStatus(), status)) {
            api.updateStatus(rs, status);
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        if (minReady > 0 && status.getReadyReplicas() != null
                && !status.getReadyReplicas().equals(status.getAvailableReplicas())) {
            return Result.requeueAfter(Duration.ofSeconds(minReady));
        }
        return Result.done();
    }

    /** Adopts and releases pods as the claim rule says; returns the pods the set owns afterwards. */
    private List<Pod> claim(ReplicaSet rs, LabelSelector selector, List<Pod> candidates) {
        ControllerRefs.Claim<Pod> claim = ControllerRefs.claim(rs, selector, candidates);
        List<Pod> owned = new ArrayList<>(claim.owned());
        if (!claim.adopt().isEmpty()) {
            // Kubernetes re-reads the owner before adopting: a set deleted and recreated under the same name must not
            // take pods with the old one's identity
            ReplicaSet fresh = api.live(rs.getMetadata().getNamespace(), rs.getMetadata().getName());
            if (fresh != null && fresh.getMetadata().getUid().equals(rs.getMetadata().getUid())
                    && fresh.getMetadata().getDeletionTimestamp() == null) {
                List<CompletableFuture<String>> adoptions = new ArrayList<>();
                for (Pod pod : claim.adopt()) {
                    List<OwnerReference> refs = new ArrayList<>(pod.getMetadata().getOwnerReferences() == null
                            ? List.of() : pod.getMetadata().getOwnerReferences());
                    refs.add(ControllerRefs.controllerRef(rs));
                    adoptions.add(control.setOwners(pod, refs));
                }
                for (int i = 0; i < adoptions.size(); i++) {
                    if (adoptions.get(i).join() == null) {
                        owned.add(claim.adopt().get(i));
                    }
                }
            }
        }
        for (Pod pod : claim.release()) {
            List<OwnerReference> refs = new ArrayList<>(pod.getMetadata().getOwnerReferences());
            refs.removeIf(r -> rs.getMetadata().getUid().equals(r.getUid()));
            control.setOwners(pod, refs);
        }
        return owned;
    }

    /** Creates {@code n} pods in slow-start batches; returns the first failure, or null. */
    private String create(String key, ReplicaSet rs, int n) {
        expectations.expectCreations(key, n);
        int created = 0;
        for (int batch : ReplicaSetPlan.slowStartBatches(n)) {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                answers.add(control.create(pod(rs)));
            }
            String failure = null;
            for (CompletableFuture<String> answer : answers) {
                String error = answer.join();
                if (error == null) {
                    created++;
                } else {
                    // this creation will never be observed
                    expectations.creationObserved(key);
                    failure = error;
                }
            }
            if (failure != null) {
                events.warning(rs, "FailedCreate", "Error creating: " + failure);
                for (int i = created + answers.size(); i < n; i++) {
                    expectations.creationObserved(key);
                }
                return failure;
            }
        }
        if (created > 0) {
            events.normal(rs, "SuccessfulCreate", "Created " + created + " pod" + (created == 1 ? "" : "s"));
        }
        return null;
    }

    /** Deletes {@code victims} at once; returns the first failure, or null. */
    private String delete(String key, ReplicaSet rs, List<Pod> victims) {
        Set<String> keys = new LinkedHashSet<>();
        victims.forEach(p -> keys.add(Keys.of(p)));
        expectations.expectDeletions(key, keys);
        Map<Pod, CompletableFuture<String>> answers = new HashMap<>();
        for (Pod p : victims) {
            answers.put(p, control.delete(p.getMetadata().getNamespace(), p.getMetadata().getName(),
                    p.getMetadata().getUid()));
        }
        String failure = null;
        int deleted = 0;
        for (var e : answers.entrySet()) {
            String error = e.getValue().join();
            if (error == null) {
                deleted++;
            } else {
                expectations.deletionObserved(key, Keys.of(e.getKey()));
                if (!error.contains("(404)")) {
                    failure = error;
                }
            }
        }
        if (deleted > 0) {
            events.normal(rs, "SuccessfulDelete", "Deleted " + deleted + " pod" + (deleted == 1 ? "" : "s"));
        }
        if (failure != null) {
            events.warning(rs, "FailedDelete", "Error deleting: " + failure);
        }
        return failure;
    }

    /** A new pod from the set's template (Kubernetes' {@code GetPodFromTemplate}). */
    static Pod pod(ReplicaSet rs) {
        PodTemplateSpec template = rs.getSpec().getTemplate();
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        String prefix = rs.getMetadata().getName() + "-";
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace(rs.getMetadata().getNamespace())
                .withGenerateName(prefix)
                .withLabels(tm.getLabels())
                .withAnnotations(tm.getAnnotations())
                .withFinalizers(tm.getFinalizers())
                .withOwnerReferences(ControllerRefs.controllerRef(rs))
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
    }
}
