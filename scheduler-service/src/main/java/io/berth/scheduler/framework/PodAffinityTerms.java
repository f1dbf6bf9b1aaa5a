package io.berth.scheduler.framework;

import io.berth.apimachinery.selector.LabelSelector;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A pod's pod affinity and anti-affinity, required and preferred, parsed once (as Kubernetes' {@code PodInfo} keeps
 * them). A term whose selector does not parse is left out and named in {@link #parseError()}: the pod itself cannot
 * be scheduled with it, and as an existing pod its other terms still count. Immutable.
 */
public record PodAffinityTerms(List<AffinityTerm> requiredAffinity, List<AffinityTerm> requiredAntiAffinity,
                               List<AffinityTerm> preferredAffinity, List<AffinityTerm> preferredAntiAffinity,
                               String parseError) {

    /** The pod's terms, or null when it has no pod affinity or anti-affinity at all. */
    public static PodAffinityTerms of(Pod pod) {
        Affinity a = pod.getSpec().getAffinity();
        if (a == null || a.getPodAffinity() == null && a.getPodAntiAffinity() == null) {
            return null;
        }
        List<String> errors = new ArrayList<>();
        List<AffinityTerm> required = new ArrayList<>();
        List<AffinityTerm> requiredAnti = new ArrayList<>();
        List<AffinityTerm> preferred = new ArrayList<>();
        List<AffinityTerm> preferredAnti = new ArrayList<>();
        if (a.getPodAffinity() != null) {
            required(pod, a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(), required, errors);
            preferred(pod, a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(), preferred, errors);
        }
        if (a.getPodAntiAffinity() != null) {
            required(pod, a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(), requiredAnti,
                    errors);
            preferred(pod, a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
                    preferredAnti, errors);
        }
        return new PodAffinityTerms(List.copyOf(required), List.copyOf(requiredAnti), List.copyOf(preferred),
                List.copyOf(preferredAnti), errors.isEmpty() ? null : String.join("; ", errors));
    }

    public boolean hasRequired() {
        return !requiredAffinity.isEmpty() || !requiredAntiAffinity.isEmpty();
    }

    public boolean hasPreferred() {
        return !preferredAffinity.isEmpty() || !preferredAntiAffinity.isEmpty();
    }

    private static void required(Pod pod, List<PodAffinityTerm> terms, List<AffinityTerm> into, List<String> errors) {
        if (terms != null) {
            for (PodAffinityTerm t : terms) {
                add(pod, t, 0, into, errors);
            }
        }
    }

    private static void preferred(Pod pod, List<WeightedPodAffinityTerm> terms, List<AffinityTerm> into,
                                  List<String> errors) {
        if (terms != null) {
            for (WeightedPodAffinityTerm t : terms) {
                if (t.getPodAffinityTerm() != null) {
                    add(pod, t.getPodAffinityTerm(), t.getWeight() == null ? 0 : t.getWeight(), into, errors);
                }
            }
        }
    }

    private static void add(Pod pod, PodAffinityTerm t, int weight, List<AffinityTerm> into, List<String> errors) {
        try {
            LabelSelector selector = LabelSelector.from(t.getLabelSelector());
            LabelSelector namespaceSelector = LabelSelector.from(t.getNamespaceSelector());
            Set<String> namespaces = t.getNamespaces() == null ? Set.of() : Set.copyOf(t.getNamespaces());
            if (namespaces.isEmpty() && t.getNamespaceSelector() == null) {
                namespaces = Set.of(pod.getMetadata().getNamespace());
            }
            into.add(new AffinityTerm(namespaces, namespaceSelector, selector,
                    t.getTopologyKey() == null ? "" : t.getTopologyKey(), weight));
        } catch (RuntimeException e) {
            errors.add("invalid pod affinity term: " + e.getMessage());
        }
    }
}
