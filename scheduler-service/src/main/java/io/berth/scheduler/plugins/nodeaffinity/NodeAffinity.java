package io.berth.scheduler.plugins.nodeaffinity;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FilterPlugin;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PreFilterPlugin;
import io.berth.scheduler.framework.PreScorePlugin;
import io.berth.scheduler.framework.ScorePlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.berth.scheduler.plugins.helper.NormalizeScore;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;

import java.util.List;
import java.util.Set;

/**
 * A pod's node selector and node affinity, as Kubernetes' {@code NodeAffinity} plugin. Filter keeps the pod on nodes
 * that match its {@code spec.nodeSelector} and one of its required terms ({@link RequiredNodeAffinity}); Score adds
 * the weights of the preferred terms a node matches ({@link PreferredSchedulingTerms}), normalized so that the best
 * node gets {@link #MAX_SCORE}. Both parse the pod's terms once per cycle.
 */
public final class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {

    public static final String NAME = "NodeAffinity";
    /** Kubernetes' {@code ErrReasonPod}. */
    public static final String ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

    private static final CycleState.Key<RequiredNodeAffinity> REQUIRED = new CycleState.Key<>("PreFilter" + NAME);
    private static final CycleState.Key<PreferredSchedulingTerms> PREFERRED = new CycleState.Key<>("PreScore" + NAME);
    private static final Status MISMATCH = Status.unresolvable(ERR_REASON_POD);

    @Override
    public String name() {
        return NAME;
    }

    /** Only a new node, or new labels on one, can match terms that did not match before. */
    @Override
    public Set<ClusterEvent> events() {
        return Set.of(ClusterEvent.NODE_ADDED, ClusterEvent.NODE_LABELS_CHANGED);
    }

    @Override
    public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
        if (!RequiredNodeAffinity.isSet(pod)) {
            return Status.skip();
        }
        state.write(REQUIRED, RequiredNodeAffinity.of(pod));
        return Status.success();
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        RequiredNodeAffinity required = state.read(REQUIRED);
        if (required == null) {
            // PreFilter skipped (nothing required) or was not run; parsing again is right either way.
            required = RequiredNodeAffinity.of(pod);
        }
        return required.matches(node.node()) ? Status.success() : MISMATCH;
    }

    /** Skips pods without preferred terms; a preferred term that does not parse is an error, as in Kubernetes. */
    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        List<PreferredSchedulingTerm> terms = preferred(pod);
        if (terms == null || terms.isEmpty()) {
            return Status.skip();
        }
        PreferredSchedulingTerms parsed = PreferredSchedulingTerms.of(terms);
        if (!parsed.errors().isEmpty()) {
            return Status.error("preferred node affinity: " + String.join("; ", parsed.errors()));
        }
        state.write(PREFERRED, parsed);
        return Status.success();
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        PreferredSchedulingTerms terms = state.read(PREFERRED);
        if (terms == null) {
            terms = PreferredSchedulingTerms.of(preferred(pod));
        }
        return terms.score(node.node());
    }

    /** Kubernetes' DefaultNormalizeScore: the highest sum becomes {@link #MAX_SCORE}; all zero stay zero. */
    @Override
    public void normalize(CycleState state, Pod pod, List<NodeInfo> nodes, long[] scores) {
        NormalizeScore.defaultNormalize(MAX_SCORE, false, scores);
    }

    private static List<PreferredSchedulingTerm> preferred(Pod pod) {
        Affinity a = pod.getSpec().getAffinity();
        return a == null || a.getNodeAffinity() == null ? null
                : a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    }
}
