package io.berth.scheduler.service;

import io.berth.scheduler.cache.SchedulerCache;
import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.queue.SchedulingQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.Objects;

/**
 * What the informers' events mean to the scheduler (Kubernetes' {@code eventhandlers.go}): bound pods and nodes go to
 * the cache, this scheduler's pending pods to the queue, and the changes that may make an unschedulable pod fit
 * become {@link ClusterEvent}s for the queue. Node heartbeats and condition updates change nothing here, so they
 * wake no pod. Handlers never block.
 */
final class Informers {

    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final String schedulerName;

    Informers(SchedulerCache cache, SchedulingQueue queue, String schedulerName) {
        this.cache = cache;
        this.queue = queue;
        this.schedulerName = schedulerName;
    }

    ResourceEventHandler<Node> nodes() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                cache.addNode(node);
                queue.onEvent(ClusterEvent.NODE_ADDED);
            }

            @Override
            public void onUpdate(Node old, Node node) {
                boolean labels = !Objects.equals(old.getMetadata().getLabels(), node.getMetadata().getLabels());
                boolean taints = !Objects.equals(old.getSpec().getTaints(), node.getSpec().getTaints());
                boolean allocatable = !Objects.equals(allocatable(old), allocatable(node));
                boolean schedulable = !Objects.equals(old.getSpec().getUnschedulable(), node.getSpec().getUnschedulable());
                if (!labels && !taints && !allocatable && !schedulable) {
                    return;
                }
                cache.updateNode(node);
                if (labels) {
                    queue.onEvent(ClusterEvent.NODE_LABELS_CHANGED);
                }
                if (taints) {
                    queue.onEvent(ClusterEvent.NODE_TAINTS_CHANGED);
                }
                if (allocatable) {
                    queue.onEvent(ClusterEvent.NODE_ALLOCATABLE_CHANGED);
                }
                if (schedulable) {
                    queue.onEvent(ClusterEvent.NODE_SCHEDULABLE_CHANGED);
                }
            }

            @Override
            public void onDelete(Node node, boolean unknownFinalState) {
                cache.removeNode(node);
            }
        };
    }

    ResourceEventHandler<Pod> pods() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (bound(pod)) {
                    cache.addPod(pod);
                    queue.onEvent(terminal(pod) ? ClusterEvent.ASSIGNED_POD_DELETED : ClusterEvent.ASSIGNED_POD_ADDED);
                } else if (mine(pod)) {
                    queue.add(pod);
                }
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                if (bound(pod)) {
                    if (!bound(old)) {
                        queue.delete(pod.getMetadata().getUid());
                    }
                    cache.updatePod(pod);
                    if (terminal(pod) && !terminal(old)) {
                        queue.onEvent(ClusterEvent.ASSIGNED_POD_DELETED);
                    } else if (!bound(old)) {
                        queue.onEvent(ClusterEvent.ASSIGNED_POD_ADDED);
                    } else if (!Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())) {
                        queue.onEvent(ClusterEvent.ASSIGNED_POD_LABELS_CHANGED);
                    }
                } else if (mine(pod)) {
                    queue.update(pod);
                } else {
                    queue.delete(pod.getMetadata().getUid());
                }
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                if (bound(pod)) {
                    cache.removePod(pod);
                    queue.onEvent(ClusterEvent.ASSIGNED_POD_DELETED);
                } else {
                    queue.delete(pod.getMetadata().getUid());
                }
            }
        };
    }

    /** A pending pod this scheduler is responsible for. */
    private boolean mine(Pod pod) {
        String name = pod.getSpec().getSchedulerName();
        return schedulerName.equals(name == null || name.isEmpty() ? "default-scheduler" : name)
                && pod.getMetadata().getDeletionTimestamp() == null && !terminal(pod);
    }

    private static boolean bound(Pod pod) {
        return pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty();
    }

    private static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static Object allocatable(Node node) {
        return node.getStatus() == null ? null : node.getStatus().getAllocatable();
    }
}
