package io.berth.scheduler.plugins.tainttoleration;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FilterPlugin;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PreScorePlugin;
import io.berth.scheduler.framework.ScorePlugin;
import io.berth.scheduler.framework.Status;
import io.berth.scheduler.plugins.helper.NormalizeScore;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Node taints against pod tolerations, as Kubernetes' {@code TaintToleration} plugin. Filter rejects a node with a
 * {@code NoSchedule} or {@code NoExecute} taint the pod does not tolerate, naming the first one; Score counts the
 * {@code PreferNoSchedule} taints the pod does not tolerate, and normalization turns the fewest into
 * {@link #MAX_SCORE}.
 */
public final class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {

    public static final String NAME = "TaintToleration";

    private static final CycleState.Key<List<Toleration>> PREFER_NO_SCHEDULE_TOLERATIONS =
            new CycleState.Key<>("PreScore" + NAME);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ClusterEvent> events() {
        return Set.of(ClusterEvent.NODE_ADDED, ClusterEvent.NODE_TAINTS_CHANGED);
    }

    /** Kubernetes' reason for an untolerated taint: {@code node(s) had untolerated taint {key: value}}. */
    public static String untoleratedTaint(Taint taint) {
        return "node(s) had untolerated taint {" + orEmpty(taint.getKey()) + ": " + orEmpty(taint.getValue()) + "}";
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        List<Taint> taints = taints(node);
        if (taints == null) {
            return Status.success();
        }
        List<Toleration> tolerations = pod.getSpec().getTolerations();
        for (int i = 0; i < taints.size(); i++) {
            Taint t = taints.get(i);
            if (("NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
                    && !Tolerations.tolerates(tolerations, t)) {
                return Status.unresolvable(untoleratedTaint(t));
            }
        }
        return Status.success();
    }

    /** Keeps the tolerations that can tolerate a PreferNoSchedule taint: that effect, or none (every effect). */
    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        state.write(PREFER_NO_SCHEDULE_TOLERATIONS, preferNoScheduleTolerations(pod));
        return Status.success();
    }

    /** The number of PreferNoSchedule taints the pod does not tolerate: lower is better. */
    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        List<Toleration> tolerations = state.read(PREFER_NO_SCHEDULE_TOLERATIONS);
        if (tolerations == null) {
            tolerations = preferNoScheduleTolerations(pod);
        }
        List<Taint> taints = taints(node);
        if (taints == null) {
            return 0;
        }
        long intolerable = 0;
        for (int i = 0; i < taints.size(); i++) {
            Taint t = taints.get(i);
            if ("PreferNoSchedule".equals(t.getEffect()) && !Tolerations.tolerates(tolerations, t)) {
                intolerable++;
            }
        }
        return intolerable;
    }

    /** Kubernetes' DefaultNormalizeScore reversed: the fewest intolerable taints get {@link #MAX_SCORE}. */
    @Override
    public void normalize(CycleState state, Pod pod, List<NodeInfo> nodes, long[] scores) {
        NormalizeScore.defaultNormalize(MAX_SCORE, true, scores);
    }

    private static List<Toleration> preferNoScheduleTolerations(Pod pod) {
        List<Toleration> all = pod.getSpec().getTolerations();
        List<Toleration> kept = new ArrayList<>(all == null ? 0 : all.size());
        if (all != null) {
            for (Toleration t : all) {
                if (t.getEffect() == null || t.getEffect().isEmpty() || "PreferNoSchedule".equals(t.getEffect())) {
                    kept.add(t);
                }
            }
        }
        return kept;
    }

    private static List<Taint> taints(NodeInfo node) {
        return node.node().getSpec() == null ? null : node.node().getSpec().getTaints();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
