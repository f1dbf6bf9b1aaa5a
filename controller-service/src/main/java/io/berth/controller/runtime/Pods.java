package io.berth.controller.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.time.Instant;

/** Kubernetes' {@code podutil} questions about a pod, shared by the controllers. */
public final class Pods {

    private Pods() {
    }

    /** Neither finished (Succeeded, Failed) nor being deleted: what a replica set counts (Kubernetes' IsPodActive). */
    public static boolean isActive(Pod pod) {
        String phase = phase(pod);
        return !"Succeeded".equals(phase) && !"Failed".equals(phase)
                && pod.getMetadata().getDeletionTimestamp() == null;
    }

    public static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    public static boolean isReady(Pod pod) {
        PodCondition ready = readyCondition(pod);
        return ready != null && "True".equals(ready.getStatus());
    }

    /** Ready for at least {@code minReadySeconds} at {@code now}. */
    public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
        PodCondition ready = readyCondition(pod);
        if (ready == null || !"True".equals(ready.getStatus())) {
            return false;
        }
        if (minReadySeconds <= 0) {
            return true;
        }
        Instant since = Times.parse(ready.getLastTransitionTime());
        return since != null && !since.plusSeconds(minReadySeconds).isAfter(now);
    }

    public static PodCondition readyCondition(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return c;
            }
        }
        return null;
    }

    public static boolean isBound(Pod pod) {
        return pod.getSpec() != null && pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty();
    }
}
