package io.berth.scheduler.framework;

import io.berth.apimachinery.selector.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One pod affinity or anti-affinity term, parsed once per pod (Kubernetes' {@code framework.AffinityTerm}): the pods
 * it selects are those in one of {@code namespaces} or in a namespace {@code namespaceSelector} matches, whose labels
 * {@code selector} matches. A term with neither namespaces nor a namespace selector selects in its own pod's
 * namespace; a missing label selector selects no pod. Immutable.
 *
 * @param weight the term's weight when preferred, 0 when required
 */
public record AffinityTerm(Set<String> namespaces, LabelSelector namespaceSelector, LabelSelector selector,
                           String topologyKey, int weight) {

    /** Whether the term selects {@code pod}; {@code namespaceLabels} are the labels of the pod's namespace. */
    public boolean matches(Pod pod, Map<String, String> namespaceLabels) {
        if (namespaces.contains(pod.getMetadata().getNamespace()) || namespaceSelector.matches(namespaceLabels)) {
            return selector.matches(pod.getMetadata().getLabels());
        }
        return false;
    }

    /** This term with {@code namespaces} added and its namespace selector spent (it selects no namespace). */
    public AffinityTerm withNamespaces(Set<String> names) {
        HashSet<String> all = new HashSet<>(namespaces);
        all.addAll(names);
        return new AffinityTerm(Set.copyOf(all), LabelSelector.nothing(), selector, topologyKey, weight);
    }
}
