package io.berth.scheduler.plugins.nodeaffinity;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a pod must run, parsed once per pod, as Kubernetes' {@code nodeaffinity.RequiredNodeAffinity}: its
 * {@code spec.nodeSelector} (every label equal) and its
 * {@code affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution} (terms ORed). Immutable; other plugins
 * that honour a pod's node affinity (topology spread, DaemonSets) can share it.
 */
public final class RequiredNodeAffinity {

    private final String[] selectorKeys;
    private final String[] selectorValues;
    /** Null when the pod has no required node affinity; empty when it has one that no node can match. */
    private final SelectorTerm[] terms;

    private RequiredNodeAffinity(String[] selectorKeys, String[] selectorValues, SelectorTerm[] terms) {
        this.selectorKeys = selectorKeys;
        this.selectorValues = selectorValues;
        this.terms = terms;
    }

    /** Parses the pod's node selector and required terms; terms that do not parse are kept, and match nothing. */
    public static RequiredNodeAffinity of(Pod pod) {
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        int n = selector == null ? 0 : selector.size();
        String[] keys = new String[n];
        String[] values = new String[n];
        if (n > 0) {
            int i = 0;
            for (Map.Entry<String, String> e : selector.entrySet()) {
                keys[i] = e.getKey();
                values[i++] = e.getValue();
            }
        }
        NodeSelector required = required(pod);
        SelectorTerm[] terms = null;
        if (required != null) {
            List<SelectorTerm> parsed = new ArrayList<>();
            if (required.getNodeSelectorTerms() != null) {
                for (NodeSelectorTerm t : required.getNodeSelectorTerms()) {
                    if (!SelectorTerm.isEmpty(t)) {
                        parsed.add(SelectorTerm.parse(t));
                    }
                }
            }
            terms = parsed.toArray(new SelectorTerm[0]);
        }
        return new RequiredNodeAffinity(keys, values, terms);
    }

    /** Whether the pod has a node selector or required node affinity at all. */
    public static boolean isSet(Pod pod) {
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        return (selector != null && !selector.isEmpty()) || required(pod) != null;
    }

    /**
     * Whether the node has every label of the node selector and matches at least one term. A term that does not
     * parse matches nothing (Kubernetes ignores parse errors here, for backwards compatibility).
     */
    public boolean matches(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels();
        for (int i = 0; i < selectorKeys.length; i++) {
            String value = labels == null ? null : labels.get(selectorKeys[i]);
            if (value == null || !value.equals(selectorValues[i])) {
                return false;
            }
        }
        if (terms == null) {
            return true;
        }
        String name = node.getMetadata().getName();
        for (SelectorTerm t : terms) {
            if (t.matches(labels, name)) {
                return true;
            }
        }
        return false;
    }

    private static NodeSelector required(Pod pod) {
        Affinity a = pod.getSpec().getAffinity();
        return a == null || a.getNodeAffinity() == null ? null
                : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    }
}
