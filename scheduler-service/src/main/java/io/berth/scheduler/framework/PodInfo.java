package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod with what the scheduler reads of it computed once: its requests (and their non-zero form for scoring) and
 * its parsed pod affinity terms (null when it has none), so the plugins that only care about those skip the others.
 * Immutable; the pod is a cache object and must not be changed.
 */
public record PodInfo(Pod pod, Resource requests, Resource nonZeroRequests, PodAffinityTerms affinity) {

    public static PodInfo of(Pod pod) {
        return new PodInfo(pod, PodRequests.of(pod), PodRequests.nonZero(pod), PodAffinityTerms.of(pod));
    }

    public String uid() {
        return pod.getMetadata().getUid();
    }

    /** Whether the pod has any pod affinity or anti-affinity term. */
    public boolean hasAffinity() {
        return affinity != null;
    }

    public boolean hasRequiredAntiAffinity() {
        return affinity != null && !affinity.requiredAntiAffinity().isEmpty();
    }
}
