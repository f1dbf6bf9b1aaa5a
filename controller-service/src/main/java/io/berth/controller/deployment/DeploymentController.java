package io.berth.controller.deployment;

import io.berth.apimachinery.selector.LabelSelector;
import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ConfiguredController;
import io.berth.controller.runtime.ControllerRefs;
import io.berth.controller.runtime.Handlers;
import io.berth.controller.runtime.Keys;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The deployment controller (Kubernetes' {@code pkg/controller/deployment}): rolls each Deployment's template out
 * through replica sets, by its strategy (RollingUpdate with maxSurge / maxUnavailable / minReadySeconds, or Recreate),
 * keeps {@code revisionHistoryLimit} old sets for {@code kubectl rollout undo}, and reports Progressing and Available.
 * Replica set events go to the owning deployment (or, for orphans, to those whose selector matches); a pod's deletion
 * goes to a Recreate deployment, which waits for its old pods.
 */
@Component
public final class DeploymentController extends ConfiguredController {

    public DeploymentController(ControllerProperties props) {
        super("deployment", props, 5);
    }

    @Override
    public Reconciler setUp(ControllerContext context, WorkQueue queue) {
        Lister<Deployment> deployments = context.informers().lister(Deployment.class);
        Lister<ReplicaSet> sets = context.informers().lister(ReplicaSet.class);
        context.informers().index(ReplicaSet.class, ControllerRefs.CONTROLLER_UID_INDEX,
                ControllerRefs::controllerUidIndex);
        context.informers().index(Pod.class, ControllerRefs.CONTROLLER_UID_INDEX, ControllerRefs::controllerUidIndex);
        context.informers().get(Deployment.class).addEventHandler(Handlers.enqueue(queue));
        context.informers().get(ReplicaSet.class).addEventHandler(new SetEvents(deployments, queue));
        context.informers().get(Pod.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                String owner = recreateOwner(pod, sets, deployments);
                if (owner != null) {
                    queue.add(owner);
                }
            }
        });
        return new DeploymentSync(deployments, sets, context.informers().get(ReplicaSet.class).getIndexer(),
                context.informers().get(Pod.class).getIndexer(), new ApiDeploymentWrites(context.client()),
                context.events(), context.clock(), context.client().getKubernetesSerialization());
    }

    /** The key of the Recreate deployment whose replica set controlled the pod, or null. */
    private static String recreateOwner(Pod pod, Lister<ReplicaSet> sets, Lister<Deployment> deployments) {
        OwnerReference ref = ControllerRefs.controllerOf(pod);
        if (ref == null || !"ReplicaSet".equals(ref.getKind())) {
            return null;
        }
        ReplicaSet rs = sets.get(Keys.of(pod.getMetadata().getNamespace(), ref.getName()));
        if (rs == null || !rs.getMetadata().getUid().equals(ref.getUid())) {
            return null;
        }
        String key = owner(rs, deployments);
        Deployment d = key == null ? null : deployments.get(key);
        return d != null && DeploymentUtil.recreate(d) ? key : null;
    }

    /** The key of the deployment that controls {@code rs}, if the cache has it with that uid. */
    static String owner(ReplicaSet rs, Lister<Deployment> deployments) {
        OwnerReference ref = ControllerRefs.controllerOf(rs);
        if (ref == null || !"Deployment".equals(ref.getKind())) {
            return null;
        }
        String key = Keys.of(rs.getMetadata().getNamespace(), ref.getName());
        Deployment d = deployments.get(key);
        return d == null || !d.getMetadata().getUid().equals(ref.getUid()) ? null : key;
    }

    /** Routes replica set events to deployments (Kubernetes' addReplicaSet, updateReplicaSet, deleteReplicaSet). */
    static final class SetEvents implements ResourceEventHandler<ReplicaSet> {

        private final Lister<Deployment> deployments;
        private final WorkQueue queue;

        SetEvents(Lister<Deployment> deployments, WorkQueue queue) {
            this.deployments = deployments;
            this.queue = queue;
        }

        @Override
        public void onAdd(ReplicaSet rs) {
            String owner = owner(rs, deployments);
            if (owner != null) {
                queue.add(owner);
            } else if (ControllerRefs.controllerOf(rs) == null) {
                matching(rs).forEach(queue::add);
            }
        }

        @Override
        public void onUpdate(ReplicaSet old, ReplicaSet rs) {
            if (Objects.equals(old.getMetadata().getResourceVersion(), rs.getMetadata().getResourceVersion())) {
                return;
            }
            String oldOwner = owner(old, deployments);
            String owner = owner(rs, deployments);
            if (oldOwner != null && !oldOwner.equals(owner)) {
                queue.add(oldOwner);
            }
            if (owner != null) {
                queue.add(owner);
                return;
            }
            boolean labels = !Objects.equals(old.getMetadata().getLabels(), rs.getMetadata().getLabels());
            if (ControllerRefs.controllerOf(rs) == null && (labels || oldOwner != null)) {
                matching(rs).forEach(queue::add);
            }
        }

        @Override
        public void onDelete(ReplicaSet rs, boolean unknown) {
            String owner = owner(rs, deployments);
            if (owner != null) {
                queue.add(owner);
            }
        }

        private List<String> matching(ReplicaSet rs) {
            Map<String, String> labels = rs.getMetadata().getLabels() == null ? Map.of() : rs.getMetadata().getLabels();
            return deployments.namespace(rs.getMetadata().getNamespace()).list().stream()
                    .filter(d -> d.getSpec().getSelector() != null)
                    .filter(d -> {
                        LabelSelector s = LabelSelector.from(d.getSpec().getSelector());
                        return !s.isEverything() && s.matches(labels);
                    })
                    .map(Keys::of)
                    .toList();
        }
    }
}
