package io.berth.scheduler.plugins.podtopologyspread;

import io.berth.apimachinery.selector.LabelSelector;
import io.berth.scheduler.framework.PodInfo;
import io.berth.scheduler.plugins.nodeaffinity.RequiredNodeAffinity;
import io.berth.scheduler.plugins.tainttoleration.Tolerations;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of a pod's {@code topologySpreadConstraints}, parsed with Kubernetes' defaults: {@code minDomains} 1,
 * {@code nodeAffinityPolicy: Honor}, {@code nodeTaintsPolicy: Ignore}, and {@code matchLabelKeys} folded into the
 * selector as {@code key in (the pod's value)}. A missing label selector selects no pod. Immutable.
 */
record SpreadConstraint(int maxSkew, String topologyKey, LabelSelector selector, int minDomains,
                        boolean honourNodeAffinity, boolean honourNodeTaints) {

    static final String HOSTNAME = "kubernetes.io/hostname";

    /**
     * The pod's constraints with {@code whenUnsatisfiable} equal to {@code action} ({@code DoNotSchedule} or
     * {@code ScheduleAnyway}).
     *
     * @throws RuntimeException when a selector does not parse (the message says why)
     */
    static List<SpreadConstraint> of(Pod pod, String action) {
        List<TopologySpreadConstraint> all = pod.getSpec().getTopologySpreadConstraints();
        if (all == null || all.isEmpty()) {
            return List.of();
        }
        List<SpreadConstraint> result = new ArrayList<>();
        for (TopologySpreadConstraint c : all) {
            String when = c.getWhenUnsatisfiable() == null ? "DoNotSchedule" : c.getWhenUnsatisfiable();
            if (!when.equals(action)) {
                continue;
            }
            io.fabric8.kubernetes.api.model.LabelSelector selector = c.getLabelSelector();
            Map<String, String> podLabels = pod.getMetadata().getLabels();
            if (c.getMatchLabelKeys() != null && !c.getMatchLabelKeys().isEmpty() && podLabels != null) {
                LabelSelectorBuilder merged = selector == null ? new LabelSelectorBuilder()
                        : new LabelSelectorBuilder(selector);
                boolean any = false;
                for (String key : c.getMatchLabelKeys()) {
                    String value = podLabels.get(key);
                    if (value != null) {
                        merged.addToMatchExpressions(new LabelSelectorRequirementBuilder().withKey(key)
                                .withOperator("In").withValues(value).build());
                        any = true;
                    }
                }
                if (any) {
                    selector = merged.build();
                }
            }
            result.add(new SpreadConstraint(
                    c.getMaxSkew() == null ? 1 : c.getMaxSkew(),
                    // interned: label keys parsed from JSON are, so a node's label map matches by identity
                    c.getTopologyKey() == null ? "" : c.getTopologyKey().intern(),
                    LabelSelector.from(selector),
                    c.getMinDomains() == null ? 1 : c.getMinDomains(),
                    !"Ignore".equals(c.getNodeAffinityPolicy()),
                    "Honor".equals(c.getNodeTaintsPolicy())));
        }
        return result;
    }

    /** Whether the node counts as a domain member for this constraint (its inclusion policies). */
    boolean includes(Pod pod, Node node, RequiredNodeAffinity nodeAffinity) {
        if (honourNodeAffinity && !nodeAffinity.matches(node)) {
            return false;
        }
        if (honourNodeTaints && node.getSpec() != null && node.getSpec().getTaints() != null) {
            for (Taint t : node.getSpec().getTaints()) {
                boolean scheduling = "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect());
                if (scheduling && !Tolerations.tolerates(pod.getSpec().getTolerations(), t)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether the node has every constraint's topology key (a node without one is no member of any domain). */
    static boolean hasAllKeys(Node node, List<SpreadConstraint> constraints) {
        Map<String, String> labels = node.getMetadata().getLabels();
        for (SpreadConstraint c : constraints) {
            if (labels == null || !labels.containsKey(c.topologyKey)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The pods on a node that count for this constraint: in {@code namespace}, not terminating, matching the
     * selector. An empty selector counts none, as Kubernetes' {@code countPodsMatchSelector}.
     */
    int count(List<PodInfo> pods, String namespace) {
        if (selector.isEverything()) {
            return 0;
        }
        int n = 0;
        for (PodInfo p : pods) {
            Pod pod = p.pod();
            if (pod.getMetadata().getDeletionTimestamp() == null && namespace.equals(pod.getMetadata().getNamespace())
                    && selector.matches(pod.getMetadata().getLabels())) {
                n++;
            }
        }
        return n;
    }

    /** Whether one pod counts (the AddPod/RemovePod form of {@link #count}). */
    boolean counts(Pod pod, String namespace) {
        return !selector.isEverything() && pod.getMetadata().getDeletionTimestamp() == null
                && namespace.equals(pod.getMetadata().getNamespace())
                && selector.matches(pod.getMetadata().getLabels());
    }
}
