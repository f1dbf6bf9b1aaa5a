package io.berth.scheduler.core;

import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FitError;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PodInfo;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.berth.scheduler.queue.Nominator;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Chooses a node for one pod (Kubernetes' {@code schedulePod}): PreFilter, then Filter over the nodes starting where
 * the previous cycle stopped, until enough feasible nodes were found ({@link #feasibleNodesToFind}); then PreScore
 * and Score over those, the highest total winning (ties broken at random). Used by the scheduling thread only.
 */
public final class Algorithm {

    /** Kubernetes' minFeasibleNodesToFind: below this many nodes every node is evaluated. */
    static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
    /** Kubernetes' minFeasibleNodesPercentageToFind. */
    static final int MIN_FEASIBLE_PERCENTAGE = 5;

    /** The outcome: the chosen node, or why none fits. */
    public record Result(String node, int evaluated, int feasible, FitError error) {
        public boolean scheduled() {
            return node != null;
        }
    }

    private final Framework framework;
    private final Nominator nominator;
    private final int percentageOfNodesToScore;
    private final RandomGenerator random;
    private int nextStartNodeIndex;

    /**
     * @param percentageOfNodesToScore 0 for Kubernetes' adaptive percentage (50% less 1% per 125 nodes, at least 5%)
     */
    public Algorithm(Framework framework, int percentageOfNodesToScore, RandomGenerator random) {
        this(framework, percentageOfNodesToScore, random, null);
    }

    /** @param nominator the pods nominated to nodes, whose room is held for them; null for none */
    public Algorithm(Framework framework, int percentageOfNodesToScore, RandomGenerator random, Nominator nominator) {
        this.nominator = nominator;
        if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100) {
            throw new IllegalArgumentException("percentageOfNodesToScore must be 0..100: " + percentageOfNodesToScore);
        }
        this.framework = framework;
        this.percentageOfNodesToScore = percentageOfNodesToScore;
        this.random = random;
    }

    public Result schedule(CycleState state, Pod pod, Snapshot snapshot) {
        List<NodeInfo> nodes = snapshot.nodes();
        int all = nodes.size();
        if (all == 0) {
            return new Result(null, 0, 0, FitError.noNodes());
        }
        Status pre = framework.runPreFilter(state, pod, snapshot);
        if (!pre.isSuccess()) {
            Map<String, Status> everyNode = new HashMap<>(all * 2);
            for (NodeInfo n : nodes) {
                everyNode.put(n.name(), pre);
            }
            return new Result(null, 0, 0, new FitError(all, pre, everyNode, null));
        }
        int wanted = feasibleNodesToFind(all);
        List<NodeInfo> feasible = new ArrayList<>(Math.min(wanted, all));
        Map<String, Status> rejections = new HashMap<>();
        // a pod nominated to a node by preemption tries that node first
        String nominated = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
        NodeInfo nominee = nominated == null || nominated.isEmpty() ? null : snapshot.get(nominated);
        if (nominee != null) {
            Status s = filter(state, pod, nominee);
            if (s.isSuccess()) {
                return new Result(nominee.name(), 1, 1, null);
            }
        }
        int evaluated = 0;
        int start = nextStartNodeIndex % all;
        for (int i = 0; i < all && feasible.size() < wanted; i++) {
            NodeInfo n = nodes.get((start + i) % all);
            evaluated++;
            Status s = filter(state, pod, n);
            if (s.isSuccess()) {
                feasible.add(n);
            } else {
                rejections.put(n.name(), s);
            }
        }
        nextStartNodeIndex = (start + evaluated) % all;
        if (feasible.isEmpty()) {
            return new Result(null, evaluated, 0, new FitError(all, null, rejections, null));
        }
        if (feasible.size() == 1) {
            return new Result(feasible.get(0).name(), evaluated, 1, null);
        }
        Status preScore = framework.runPreScore(state, pod, feasible);
        if (!preScore.isSuccess()) {
            return new Result(null, evaluated, feasible.size(),
                    new FitError(all, preScore, Map.of(), null));
        }
        long[] totals = framework.runScore(state, pod, feasible);
        return new Result(feasible.get(best(totals)).name(), evaluated, feasible.size(), null);
    }

    /**
     * The filters on one node, counting the pods nominated to it of at least the pod's priority as if they ran there
     * (their victims may still be going), then without them, as Kubernetes' {@code RunFilterPluginsWithNominatedPods}:
     * the pod must fit both ways.
     */
    Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (nominator == null || nominator.isEmpty()) {
            return framework.runFilters(state, pod, node);
        }
        List<PodInfo> nominated = nominator.on(node.name());
        if (nominated.isEmpty()) {
            return framework.runFilters(state, pod, node);
        }
        int priority = priority(pod);
        NodeInfo withNominated = null;
        CycleState withNominatedState = null;
        for (PodInfo p : nominated) {
            if (p.uid().equals(pod.getMetadata().getUid()) || priority(p.pod()) < priority) {
                continue;
            }
            if (withNominated == null) {
                withNominated = node.copy();
                withNominatedState = state.copy();
            }
            withNominated.addPod(p, withNominated.generation());
            framework.runAddPod(withNominatedState, pod, p, withNominated);
        }
        if (withNominated != null) {
            Status s = framework.runFilters(withNominatedState, pod, withNominated);
            if (!s.isSuccess()) {
                return s;
            }
        }
        return framework.runFilters(state, pod, node);
    }

    private static int priority(Pod pod) {
        Integer p = pod.getSpec().getPriority();
        return p == null ? 0 : p;
    }

    /** The index of the highest total, a tie broken uniformly at random (reservoir sampling, as Kubernetes). */
    int best(long[] totals) {
        int chosen = 0;
        int ties = 1;
        for (int i = 1; i < totals.length; i++) {
            if (totals[i] > totals[chosen]) {
                chosen = i;
                ties = 1;
            } else if (totals[i] == totals[chosen]) {
                ties++;
                if (random.nextInt(ties) == 0) {
                    chosen = i;
                }
            }
        }
        return chosen;
    }

    /** How many feasible nodes to look for among {@code all} (Kubernetes' {@code numFeasibleNodesToFind}). */
    int feasibleNodesToFind(int all) {
        if (all < MIN_FEASIBLE_NODES_TO_FIND || percentageOfNodesToScore >= 100) {
            return all;
        }
        int percentage = percentageOfNodesToScore;
        if (percentage == 0) {
            percentage = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - all / 125);
        }
        int n = all * percentage / 100;
        return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
    }
}
