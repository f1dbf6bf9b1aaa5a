package io.berth.controller.replicaset;

import io.berth.apimachinery.selector.LabelSelector;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ConfiguredController;
import io.berth.controller.runtime.ControllerRefs;
import io.berth.controller.runtime.Expectations;
import io.berth.controller.runtime.Keys;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.WorkQueue;
import io.berth.controller.runtime.Writes;
import io.berth.controller.config.ControllerProperties;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The replica set controller (Kubernetes' {@code pkg/controller/replicaset}): keeps each ReplicaSet's pods at its
 * {@code replicas}. Pod events are routed to the owning set (its controller reference) or, for orphans, to every set
 * whose selector matches, and feed the {@link Expectations} that keep a stale cache from creating twice.
 */
@Component
public final class ReplicaSetController extends ConfiguredController {

    public ReplicaSetController(ControllerProperties props) {
        super("replicaset", props, 5);
    }

    @Override
    public Reconciler setUp(ControllerContext context, WorkQueue queue) {
        Lister<ReplicaSet> sets = context.informers().lister(ReplicaSet.class);
        context.informers().index(Pod.class, ControllerRefs.CONTROLLER_UID_INDEX, ControllerRefs::controllerUidIndex);
        Indexer<Pod> pods = context.informers().get(Pod.class).getIndexer();
        Expectations expectations = Expectations.standard();
        PodControl control = new ApiPodControl(new Writes(context.api(), context.client().getKubernetesSerialization()));
        ReplicaSetSync sync = new ReplicaSetSync(sets, pods, expectations, control, new ApiReplicaSets(context.client()),
                context.events(), context.clock());
        context.informers().get(ReplicaSet.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                queue.add(Keys.of(rs));
            }

            @Override
            public void onUpdate(ReplicaSet old, ReplicaSet rs) {
                queue.add(Keys.of(rs));
            }

            @Override
            public void onDelete(ReplicaSet rs, boolean unknown) {
                expectations.forget(Keys.of(rs));
                queue.add(Keys.of(rs));
            }
        });
        context.informers().get(Pod.class).addEventHandler(new PodEvents(sets, expectations, queue));
        return sync;
    }

    /** Routes pod events to replica sets (Kubernetes' addPod, updatePod, deletePod). Never blocks. */
    static final class PodEvents implements ResourceEventHandler<Pod> {

        private final Lister<ReplicaSet> sets;
        private final Expectations expectations;
        private final WorkQueue queue;

        PodEvents(Lister<ReplicaSet> sets, Expectations expectations, WorkQueue queue) {
            this.sets = sets;
            this.expectations = expectations;
            this.queue = queue;
        }

        @Override
        public void onAdd(Pod pod) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                // a pod that shows up already being deleted counts as deleted, so expectations don't wait for it
                onDelete(pod, false);
                return;
            }
            String owner = owner(pod);
            if (owner != null) {
                expectations.creationObserved(owner);
                queue.add(owner);
                return;
            }
            matching(pod).forEach(queue::add);
        }

        @Override
        public void onUpdate(Pod old, Pod pod) {
            if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
                return;
            }
            boolean labels = !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels());
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                onDelete(pod, false);
                if (labels) {
                    onDelete(old, false);
                }
                return;
            }
            String oldOwner = owner(old);
            String owner = owner(pod);
            if (oldOwner != null && !oldOwner.equals(owner)) {
                queue.add(oldOwner);
            }
            if (owner != null) {
                queue.add(owner);
                ReplicaSet rs = sets.get(owner);
                int minReady = rs == null || rs.getSpec().getMinReadySeconds() == null ? 0
                        : rs.getSpec().getMinReadySeconds();
                if (minReady > 0 && !io.berth.controller.runtime.Pods.isReady(old)
                        && io.berth.controller.runtime.Pods.isReady(pod)) {
                    // it becomes available minReadySeconds from now: look again then
                    queue.addAfter(owner, Duration.ofSeconds(minReady).plusSeconds(1));
                }
                return;
            }
            if (labels || oldOwner != null) {
                matching(pod).forEach(queue::add);
            }
        }

        @Override
        public void onDelete(Pod pod, boolean unknownFinalState) {
            String owner = owner(pod);
            if (owner != null) {
                expectations.deletionObserved(owner, Keys.of(pod));
                queue.add(owner);
            }
        }

        /** The key of the replica set that controls the pod, if it exists in the cache with that uid. */
        private String owner(Pod pod) {
            OwnerReference ref = ControllerRefs.controllerOf(pod);
            if (ref == null || !"ReplicaSet".equals(ref.getKind())) {
                return null;
            }
            String key = Keys.of(pod.getMetadata().getNamespace(), ref.getName());
            ReplicaSet rs = sets.get(key);
            return rs == null || !rs.getMetadata().getUid().equals(ref.getUid()) ? null : key;
        }

        private List<String> matching(Pod pod) {
            return sets.namespace(pod.getMetadata().getNamespace()).list().stream()
                    .filter(rs -> rs.getSpec().getSelector() != null)
                    .filter(rs -> LabelSelector.from(rs.getSpec().getSelector())
                            .matches(pod.getMetadata().getLabels() == null ? java.util.Map.of()
                                    : pod.getMetadata().getLabels()))
                    .map(Keys::of)
                    .toList();
        }
    }
}
