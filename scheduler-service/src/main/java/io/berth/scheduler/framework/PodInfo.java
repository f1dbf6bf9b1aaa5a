package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod with what the scheduler reads of it computed once: its requests (and their non-zero form for scoring) and
 * whether it carries pod affinity terms, so the plugins that only care about those skip the others. Immutable; the
 * pod is a cache object and must not be changed.
 */
public record PodInfo(Pod pod, Resource requests, Resource nonZeroRequests, boolean hasAffinity,
                      boolean hasRequiredAntiAffinity) {

    public static PodInfo of(Pod pod) {
        Affinity a = pod.getSpec().getAffinity();
        boolean affinity = a != null && (a.getPodAffinity() != null || a.getPodAntiAffinity() != null);
        boolean requiredAnti = a != null && a.getPodAntiAffinity() != null
                && a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null
                && !a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().isEmpty();
        return new PodInfo(pod, PodRequests.of(pod), PodRequests.nonZero(pod), affinity, requiredAnti);
    }

    public String uid() {
        return pod.getMetadata().getUid();
    }
}
