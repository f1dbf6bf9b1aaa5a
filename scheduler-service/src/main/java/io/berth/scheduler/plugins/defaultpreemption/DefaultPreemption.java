package io.berth.scheduler.plugins.defaultpreemption;

import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PodInfo;
import io.berth.scheduler.framework.PostFilterPlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Kubernetes' DefaultPreemption: when no node fits a pod, finds a node where evicting pods of lower priority would
 * let it fit, evicts the fewest and least important of them, and nominates the node in the pod's
 * {@code status.nominatedNodeName} (the pod is scheduled there once they are gone). A pod with
 * {@code preemptionPolicy: Never} never preempts. Nodes whose rejection was unresolvable (a taint, a selector) are
 * not candidates: evicting pods cannot help there.
 *
 * <p>Victims on a node are chosen as Kubernetes' {@code selectVictimsOnNode}: remove every lower-priority pod, check
 * the pod fits, then give back as many as still let it fit, most important first. Among candidate nodes the one
 * whose most important victim is least important wins, then the smallest sum of victim priorities, then the fewest
 * victims. PodDisruptionBudgets are not consulted.
 */
public final class DefaultPreemption implements PostFilterPlugin {

    /** What preemption does in the cluster: the scheduler service writes these through the API. */
    public interface Actions {
        /** Evicts {@code victim} to make room for {@code preemptor} (a DisruptionTarget condition, then a delete). */
        void evict(Pod victim, Pod preemptor);

        /** Records {@code node} in the preemptor's {@code status.nominatedNodeName}. */
        void nominate(Pod preemptor, String node);
    }

    private final Supplier<Framework> framework;
    private final Actions actions;

    /** @param framework the profile whose filters decide whether the pod fits once victims are gone */
    public DefaultPreemption(Supplier<Framework> framework, Actions actions) {
        this.framework = framework;
        this.actions = actions;
    }

    @Override
    public String name() {
        return "DefaultPreemption";
    }

    @Override
    public Result postFilter(CycleState state, Pod pod, Snapshot snapshot, Map<String, Status> rejections) {
        if ("Never".equals(pod.getSpec().getPreemptionPolicy())) {
            // worded as it ends Kubernetes' FailedScheduling message ("... preemption: not eligible due to ...")
            return new Result(null, Status.unschedulable("preemption: not eligible due to preemptionPolicy=Never"));
        }
        int priority = priority(pod);
        // already preempted on its nominated node and the victims are still going: wait, don't evict more
        String nominated = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
        NodeInfo nominee = nominated == null || nominated.isEmpty() ? null : snapshot.get(nominated);
        if (nominee != null) {
            for (PodInfo p : nominee.pods()) {
                if (p.pod().getMetadata().getDeletionTimestamp() != null && priority(p.pod()) < priority) {
                    return new Result(null,
                            Status.unschedulable("preemption: not eligible due to a terminating pod on the nominated node"));
                }
            }
        }
        Map<String, Integer> reasons = new HashMap<>();
        Candidate best = null;
        for (NodeInfo node : snapshot.nodes()) {
            Status rejected = rejections.get(node.name());
            if (rejected == null) {
                continue;
            }
            if (rejected.code() != Status.Code.UNSCHEDULABLE) {
                reasons.merge("Preemption is not helpful for scheduling", 1, Integer::sum);
                continue;
            }
            Candidate c = victims(state, pod, priority, node);
            if (c == null) {
                reasons.merge("No preemption victims found for incoming pod", 1, Integer::sum);
            } else if (best == null || c.betterThan(best)) {
                best = c;
            }
        }
        if (best == null) {
            List<String> counted = new ArrayList<>();
            reasons.forEach((reason, n) -> counted.add(n + " " + reason));
            counted.sort(null);
            return new Result(null, Status.unschedulable("preemption: 0/" + snapshot.nodes().size()
                    + " nodes are available: " + String.join(", ", counted)));
        }
        for (PodInfo victim : best.victims) {
            actions.evict(victim.pod(), pod);
        }
        actions.nominate(pod, best.node);
        // the FailedScheduling message then says only why no node fitted, as Kubernetes'
        return new Result(best.node, Status.success());
    }

    private record Candidate(String node, List<PodInfo> victims, int highest, long sum) {
        boolean betterThan(Candidate other) {
            if (highest != other.highest) {
                return highest < other.highest;
            }
            if (sum != other.sum) {
                return sum < other.sum;
            }
            return victims.size() < other.victims.size();
        }
    }

    /** The fewest, least important pods to evict on {@code node} so the pod fits; null when none would do. */
    private Candidate victims(CycleState state, Pod pod, int priority, NodeInfo node) {
        List<PodInfo> lower = new ArrayList<>();
        for (PodInfo p : node.pods()) {
            if (priority(p.pod()) < priority && p.pod().getMetadata().getDeletionTimestamp() == null) {
                lower.add(p);
            }
        }
        if (lower.isEmpty()) {
            return null;
        }
        NodeInfo trial = node.copy();
        Framework f = framework.get();
        CycleState trialState = state.copy();
        for (PodInfo p : lower) {
            trial.removePod(p.uid(), trial.generation());
            f.runRemovePod(trialState, pod, p, trial);
        }
        if (!f.runFilters(trialState, pod, trial).isSuccess()) {
            return null;
        }
        // give back the most important first; what no longer fits stays evicted
        lower.sort(Comparator.comparingInt((PodInfo p) -> priority(p.pod())).reversed());
        List<PodInfo> victims = new ArrayList<>();
        for (PodInfo p : lower) {
            trial.addPod(p, trial.generation());
            f.runAddPod(trialState, pod, p, trial);
            if (!f.runFilters(trialState, pod, trial).isSuccess()) {
                trial.removePod(p.uid(), trial.generation());
                f.runRemovePod(trialState, pod, p, trial);
                victims.add(p);
            }
        }
        if (victims.isEmpty()) {
            return null;
        }
        int highest = Integer.MIN_VALUE;
        long sum = 0;
        for (PodInfo v : victims) {
            int vp = priority(v.pod());
            highest = Math.max(highest, vp);
            sum += vp;
        }
        return new Candidate(node.name(), victims, highest, sum);
    }

    private static int priority(Pod pod) {
        Integer p = pod.getSpec().getPriority();
        return p == null ? 0 : p;
    }
}
