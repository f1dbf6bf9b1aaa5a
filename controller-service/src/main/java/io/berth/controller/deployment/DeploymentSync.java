package io.berth.controller.deployment;

import io.berth.apimachinery.selector.LabelSelector;
import io.berth.controller.runtime.ControllerRefs;
import io.berth.controller.runtime.EventRecorder;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.Result;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.berth.controller.deployment.DeploymentUtil.HASH_LABEL;
import static io.berth.controller.deployment.DeploymentUtil.replicas;

/**
 * One deployment's sync (Kubernetes' {@code syncDeployment}): claim its replica sets, find or create the set of its
 * current template (the new set, revision = the highest + 1), then either scale (a paused deployment, or a change of
 * {@code replicas} mid-rollout) or roll out by its strategy, clean up history beyond {@code revisionHistoryLimit}, and
 * write its status. Idempotent; called for one key at a time.
 */
final class DeploymentSync implements Reconciler {

    private final Lister<Deployment> deployments;
    private final Lister<ReplicaSet> sets;
    private final Indexer<ReplicaSet> setIndex;
    private final Indexer<Pod> pods;
    private final DeploymentWrites api;
    private final EventRecorder events;
    private final Clock clock;
    private final KubernetesSerialization json;

    DeploymentSync(Lister<Deployment> deployments, Lister<ReplicaSet> sets, Indexer<ReplicaSet> setIndex,
                   Indexer<Pod> pods, DeploymentWrites api, EventRecorder events, Clock clock,
                   KubernetesSerialization json) {
        this.deployments = deployments;
        this.sets = sets;
        this.setIndex = setIndex;
        this.pods = pods;
        this.api = api;
        this.events = events;
        this.clock = clock;
        this.json = json;
    }

    @Override
    public Result reconcile(String key) {
        Deployment d = deployments.get(key);
        if (d == null) {
            return Result.done();
        }
        LabelSelector selector = d.getSpec().getSelector() == null ? LabelSelector.nothing()
                : LabelSelector.from(d.getSpec().getSelector());
        if (selector.isEverything()) {
            // Kubernetes refuses to act on an empty selector: it would select every pod of the namespace
            events.warning(d, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            return Result.done();
        }
        List<ReplicaSet> all = claim(d, selector);
        if (d.getMetadata().getDeletionTimestamp() != null) {
            syncStatus(d, all, findNew(d, all));
            return Result.done();
        }
        DeploymentCondition pause = DeploymentStatusPlan.pauseCondition(d, clock.instant());
        if (pause != null) {
            DeploymentStatus status = new DeploymentStatusBuilder(d.getStatus() == null ? new DeploymentStatus()
                    : d.getStatus()).build();
            DeploymentStatusPlan.set(status, pause);
            d = api.updateStatus(d, status);
        }
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            return scaleOnly(d, all);
        }
        if (RolloutPlan.scalingEvent(d, all)) {
            return scaleOnly(d, all);
        }
        return DeploymentUtil.recreate(d) ? recreate(d, all) : rolling(d, all);
    }

    /** Adopts matching orphan sets, releases those that stopped matching; returns the sets it owns. */
    private List<ReplicaSet> claim(Deployment d, LabelSelector selector) {
        List<ReplicaSet> candidates = ControllerRefs.candidates(setIndex, d);
        ControllerRefs.Claim<ReplicaSet> claim = ControllerRefs.claim(d, selector, candidates);
        List<ReplicaSet> owned = new ArrayList<>(claim.owned());
        for (ReplicaSet rs : claim.adopt()) {
            List<OwnerReference> refs = new ArrayList<>(rs.getMetadata().getOwnerReferences() == null ? List.of()
                    : rs.getMetadata().getOwnerReferences());
            refs.add(ControllerRefs.controllerRef(d));
            owned.add(api.update(new ReplicaSetBuilder(rs).editMetadata().withOwnerReferences(refs).endMetadata()
                    .build()));
        }
        for (ReplicaSet rs : claim.release()) {
            List<OwnerReference> refs = new ArrayList<>(rs.getMetadata().getOwnerReferences());
            refs.removeIf(r -> d.getMetadata().getUid().equals(r.getUid()));
            api.update(new ReplicaSetBuilder(rs).editMetadata().withOwnerReferences(refs).endMetadata().build());
        }
        return owned;
    }

    /** The new replica set (null when none) and the deployment as last written. */
    private record NewSet(ReplicaSet rs, Deployment d) {
    }

    /** The oldest set whose template is the deployment's (Kubernetes' {@code FindNewReplicaSet}). */
    static ReplicaSet findNew(Deployment d, List<ReplicaSet> all) {
        return all.stream().sorted(DeploymentUtil.OLDEST_FIRST)
                .filter(rs -> DeploymentUtil.equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
                .findFirst().orElse(null);
    }

    private static List<ReplicaSet> without(List<ReplicaSet> all, ReplicaSet rs) {
        List<ReplicaSet> out = new ArrayList<>(all);
        if (rs != null) {
            out.removeIf(x -> x.getMetadata().getUid().equals(rs.getMetadata().getUid()));
        }
        return out;
    }

    private Result rolling(Deployment d, List<ReplicaSet> all) {
        NewSet found = newSet(d, all, true);
        d = found.d();
        ReplicaSet newSet = found.rs();
        if (newSet == null) {
            return Result.requeueAfter(Duration.ofSeconds(1));
        }
        List<ReplicaSet> old = without(all, newSet);
        List<ReplicaSet> current = with(old, newSet);
        Map<ReplicaSet, Integer> up = RolloutPlan.reconcileNew(d, newSet, current);
        if (!up.isEmpty()) {
            apply(d, up);
            return syncRollout(d, refresh(current), find(refresh(current), newSet));
        }
        Map<ReplicaSet, Integer> down = RolloutPlan.reconcileOld(d, newSet, old);
        if (!down.isEmpty()) {
            apply(d, down);
            return syncRollout(d, refresh(current), find(refresh(current), newSet));
        }
        DeploymentStatus status = DeploymentStatusPlan.counts(d, current, newSet, clock.instant());
        if (DeploymentStatusPlan.complete(d, status)) {
            cleanup(d, old);
        }
        return syncRollout(d, current, newSet);
    }

    private Result recreate(Deployment d, List<ReplicaSet> all) {
        NewSet found = newSet(d, all, false);
        d = found.d();
        ReplicaSet newSet = found.rs();
        List<ReplicaSet> old = without(all, newSet);
        Map<ReplicaSet, Integer> down = RolloutPlan.recreateScaleDown(old);
        if (!down.isEmpty()) {
            apply(d, down);
            return syncRollout(d, refresh(with(old, newSet)), newSet);
        }
        if (oldPodsRunning(newSet, old)) {
            return syncRollout(d, with(old, newSet), newSet);
        }
        if (newSet == null) {
            found = newSet(d, all, true);
            d = found.d();
            newSet = found.rs();
            if (newSet == null) {
                return Result.requeueAfter(Duration.ofSeconds(1));
            }
        }
        if (replicas(newSet) != replicas(d)) {
            apply(d, Map.of(newSet, replicas(d)));
        }
        List<ReplicaSet> current = refresh(with(old, newSet));
        newSet = find(current, newSet);
        DeploymentStatus status = DeploymentStatusPlan.counts(d, current, newSet, clock.instant());
        if (DeploymentStatusPlan.complete(d, status)) {
            cleanup(d, old);
        }
        return syncRollout(d, current, newSet);
    }

    /** Whether pods of the old sets still run (Recreate waits for them all to go). */
    private boolean oldPodsRunning(ReplicaSet newSet, List<ReplicaSet> old) {
        if (old.stream().anyMatch(rs -> DeploymentUtil.statusReplicas(rs) > 0)) {
            return true;
        }
        for (ReplicaSet rs : old) {
            for (Pod p : pods.byIndex(ControllerRefs.CONTROLLER_UID_INDEX, rs.getMetadata().getUid())) {
                String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
                if (!"Failed".equals(phase) && !"Succeeded".equals(phase)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A paused deployment or a change of size: scale the sets proportionally, roll nothing out. */
    private Result scaleOnly(Deployment d, List<ReplicaSet> all) {
        NewSet found = newSet(d, all, false);
        d = found.d();
        ReplicaSet newSet = found.rs();
        List<ReplicaSet> old = without(all, newSet);
        Map<ReplicaSet, Integer> sizes = RolloutPlan.proportional(d, newSet, old);
        if (!sizes.isEmpty()) {
            apply(d, sizes);
        }
        List<ReplicaSet> current = refresh(with(old, newSet));
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            cleanup(d, without(current, newSet));
        }
        syncStatus(d, current, newSet == null ? null : find(current, newSet));
        return Result.done();
    }

    /**
     * The new set: found (its revision raised above the old ones when it is an old template coming back) or, when
     * {@code create}, created at the size the strategy allows. Null when a hash collision needs another sync.
     */
    private NewSet newSet(Deployment d, List<ReplicaSet> all, boolean create) {
        ReplicaSet existing = findNew(d, all);
        List<ReplicaSet> old = without(all, existing);
        long revision = DeploymentUtil.maxRevision(old) + 1;
        if (existing != null) {
            Map<String, String> annotations = DeploymentUtil.newSetAnnotations(d,
                    existing.getMetadata().getAnnotations(), revision, true);
            Integer minReady = d.getSpec().getMinReadySeconds();
            boolean minReadyChanged = !java.util.Objects.equals(zero(minReady),
                    zero(existing.getSpec().getMinReadySeconds()));
            if (annotations != existing.getMetadata().getAnnotations() || minReadyChanged) {
                existing = api.update(new ReplicaSetBuilder(existing).editMetadata().withAnnotations(annotations)
                        .endMetadata().editSpec().withMinReadySeconds(minReady).endSpec().build());
            }
            return new NewSet(existing, syncDeploymentRevision(d, existing));
        }
        if (!create) {
            return new NewSet(null, d);
        }
        Integer collisions = d.getStatus() == null ? null : d.getStatus().getCollisionCount();
        String hash = DeploymentUtil.templateHash(d.getSpec().getTemplate(), collisions, json);
        PodTemplateSpec template = new PodTemplateSpecBuilder(d.getSpec().getTemplate()).editOrNewMetadata()
                .addToLabels(HASH_LABEL, hash).endMetadata().build();
        ReplicaSet fresh = new ReplicaSetBuilder()
                .withNewMetadata()
                .withName(d.getMetadata().getName() + "-" + hash)
                .withNamespace(d.getMetadata().getNamespace())
                .withLabels(template.getMetadata().getLabels())
                .withOwnerReferences(ControllerRefs.controllerRef(d))
                .endMetadata()
                .withNewSpec()
                .withReplicas(0)
                .withMinReadySeconds(d.getSpec().getMinReadySeconds())
                .withSelector(new LabelSelectorBuilder(d.getSpec().getSelector()).addToMatchLabels(HASH_LABEL, hash)
                        .build())
                .withTemplate(template)
                .endSpec()
                .build();
        int size = RolloutPlan.newSetReplicas(d, with(all, fresh), 0);
        fresh.getSpec().setReplicas(size);
        fresh.getMetadata().setAnnotations(DeploymentUtil.newSetAnnotations(d, null, revision, false));
        ReplicaSet created;
        try {
            created = api.create(fresh);
        } catch (DeploymentWrites.AlreadyExists e) {
            ReplicaSet taken = api.live(d.getMetadata().getNamespace(), fresh.getMetadata().getName());
            if (taken != null && DeploymentUtil.equalIgnoreHash(taken.getSpec().getTemplate(), d.getSpec().getTemplate())
                    && isOwnedBy(taken, d)) {
                // ours: the cache had not seen it yet
                return new NewSet(taken, d);
            }
            // a hash collision: the next hash comes from a higher collision count
            DeploymentStatus status = new DeploymentStatusBuilder(d.getStatus() == null ? new DeploymentStatus()
                    : d.getStatus()).withCollisionCount(collisions == null ? 1 : collisions + 1).build();
            return new NewSet(null, api.updateStatus(d, status));
        }
        if (size > 0) {
            events.normal(d, "ScalingReplicaSet", "Scaled up replica set " + created.getMetadata().getName()
                    + " from 0 to " + size);
        }
        d = syncDeploymentRevision(d, created);
        DeploymentStatus status = new DeploymentStatusBuilder(d.getStatus() == null ? new DeploymentStatus()
                : d.getStatus()).build();
        DeploymentStatusPlan.set(status, DeploymentStatusPlan.condition(DeploymentStatusPlan.PROGRESSING, "True",
                "NewReplicaSetCreated", "Created new replica set \"" + created.getMetadata().getName() + "\"",
                clock.instant()));
        return new NewSet(created, api.updateStatus(d, status));
    }

    private static boolean isOwnedBy(ReplicaSet rs, Deployment d) {
        OwnerReference ref = ControllerRefs.controllerOf(rs);
        return ref != null && d.getMetadata().getUid().equals(ref.getUid());
    }

    private static int zero(Integer i) {
        return i == null ? 0 : i;
    }

    /** The deployment carries its current revision in an annotation, as Kubernetes' ({@code SetDeploymentRevision}). */
    private Deployment syncDeploymentRevision(Deployment d, ReplicaSet newSet) {
        String revision = newSet.getMetadata().getAnnotations() == null ? null
                : newSet.getMetadata().getAnnotations().get(DeploymentUtil.REVISION);
        Map<String, String> annotations = d.getMetadata().getAnnotations();
        if (revision == null || annotations != null && revision.equals(annotations.get(DeploymentUtil.REVISION))) {
            return d;
        }
        Map<String, String> next = new HashMap<>(annotations == null ? Map.of() : annotations);
        next.put(DeploymentUtil.REVISION, revision);
        return api.update(new DeploymentBuilder(d).editMetadata().withAnnotations(next).endMetadata().build());
    }

    /** Scales the sets to their new sizes, recording the desired and maximum replicas they were sized for. */
    private void apply(Deployment d, Map<ReplicaSet, Integer> sizes) {
        for (var e : sizes.entrySet()) {
            ReplicaSet rs = e.getKey();
            int from = replicas(rs);
            int to = e.getValue();
            Map<String, String> annotations = new HashMap<>(rs.getMetadata().getAnnotations() == null ? Map.of()
                    : rs.getMetadata().getAnnotations());
            annotations.put(DeploymentUtil.DESIRED_REPLICAS, Integer.toString(replicas(d)));
            annotations.put(DeploymentUtil.MAX_REPLICAS, Integer.toString(replicas(d) + DeploymentUtil.maxSurge(d)));
            if (from == to && annotations.equals(rs.getMetadata().getAnnotations())) {
                continue;
            }
            api.update(new ReplicaSetBuilder(rs).editMetadata().withAnnotations(annotations).endMetadata()
                    .editSpec().withReplicas(to).endSpec().build());
            if (from != to) {
                events.normal(d, "ScalingReplicaSet", "Scaled " + (to > from ? "up" : "down") + " replica set "
                        + rs.getMetadata().getName() + " from " + from + " to " + to);
            }
        }
    }

    /** Deletes old sets beyond the revision history limit. */
    private void cleanup(Deployment d, List<ReplicaSet> old) {
        for (ReplicaSet rs : RolloutPlan.cleanup(d, old)) {
            api.delete(rs);
        }
    }

    private Result syncRollout(Deployment d, List<ReplicaSet> all, ReplicaSet newSet) {
        DeploymentStatus status = DeploymentStatusPlan.rollout(d, all, newSet, clock.instant());
        if (DeploymentStatusPlan.changed(d.getStatus(), status)) {
            api.updateStatus(d, status);
        }
        Duration wait = DeploymentStatusPlan.untilDeadline(d, status, clock.instant());
        return wait == null ? Result.done() : Result.requeueAfter(wait);
    }

    private void syncStatus(Deployment d, List<ReplicaSet> all, ReplicaSet newSet) {
        DeploymentStatus status = DeploymentStatusPlan.counts(d, all, newSet, clock.instant());
        if (DeploymentStatusPlan.changed(d.getStatus(), status)) {
            api.updateStatus(d, status);
        }
    }

    /** The sets as the cache has them now (after this sync's writes, when it has seen them). */
    private List<ReplicaSet> refresh(List<ReplicaSet> list) {
        List<ReplicaSet> out = new ArrayList<>();
        for (ReplicaSet rs : list) {
            ReplicaSet now = sets.get(rs.getMetadata().getNamespace() + "/" + rs.getMetadata().getName());
            out.add(now != null && now.getMetadata().getUid().equals(rs.getMetadata().getUid()) ? now : rs);
        }
        return out;
    }

    private static ReplicaSet find(List<ReplicaSet> list, ReplicaSet rs) {
        return list.stream().filter(x -> x.getMetadata().getUid().equals(rs.getMetadata().getUid())).findFirst()
                .orElse(rs);
    }

    private static List<ReplicaSet> with(List<ReplicaSet> list, ReplicaSet rs) {
        List<ReplicaSet> out = new ArrayList<>(list);
        if (rs != null) {
            out.add(rs);
        }
        return out;
    }
}
