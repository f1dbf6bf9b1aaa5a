package io.berth.scheduler.plugins.noderesources;

import io.berth.scheduler.framework.ClusterEvent;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FilterPlugin;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PodRequests;
import io.berth.scheduler.framework.PreFilterPlugin;
import io.berth.scheduler.framework.PreScorePlugin;
import io.berth.scheduler.framework.Resource;
import io.berth.scheduler.framework.ScorePlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Whether a node has room for the pod's requests, and how full it would be, as Kubernetes' {@code NodeResourcesFit}.
 *
 * <p>Filter follows Kubernetes' {@code fitsRequest}: the pod count first, then cpu, memory, ephemeral storage and each
 * extended resource the pod asks for; a resource the pod requests none of never rejects it. Every shortfall is a
 * reason of its own ("Too many pods", "Insufficient cpu", ...), so the FailedScheduling summary counts each.
 *
 * <p>Score ranks by cpu and memory, weight 1 each, with the {@link ScoringStrategy} given at construction, counting
 * the node's and the pod's non-zero requests (a container without requests counts as
 * {@link PodRequests#DEFAULT_MILLI_CPU} and {@link PodRequests#DEFAULT_MEMORY}) so that pods without requests still
 * spread. A resource the node has none of is left out of the average, as in Kubernetes.
 */
public final class Fit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {

    public static final String NAME = "NodeResourcesFit";
    public static final String TOO_MANY_PODS = "Too many pods";
    public static final String INSUFFICIENT_CPU = "Insufficient cpu";
    public static final String INSUFFICIENT_MEMORY = "Insufficient memory";
    public static final String INSUFFICIENT_EPHEMERAL_STORAGE = "Insufficient ephemeral-storage";

    private static final long CPU_WEIGHT = 1;
    private static final long MEMORY_WEIGHT = 1;

    private static final CycleState.Key<Requests> REQUESTS = new CycleState.Key<>("PreFilter" + NAME);
    private static final CycleState.Key<Resource> SCORE_REQUESTS = new CycleState.Key<>("PreScore" + NAME);

    /**
     * The pod's requests as Filter reads them: extended resources the pod asks for, in name order so that reasons
     * come out the same every time, with their reasons formatted once.
     */
    private record Requests(long milliCpu, long memory, long ephemeralStorage, String[] scalarNames,
                            long[] scalarAmounts, String[] scalarReasons) {

        static Requests of(Pod pod) {
            Resource r = PodRequests.of(pod);
            String[] names = new String[r.scalar.size()];
            int n = 0;
            for (var e : r.scalar.entrySet()) {
                if (e.getValue() > 0) {
                    names[n++] = e.getKey();
                }
            }
            names = Arrays.copyOf(names, n);
            Arrays.sort(names);
            long[] amounts = new long[n];
            String[] reasons = new String[n];
            for (int i = 0; i < n; i++) {
                amounts[i] = r.scalar(names[i]);
                reasons[i] = "Insufficient " + names[i];
            }
            return new Requests(r.milliCpu, r.memory, r.ephemeralStorage, names, amounts, reasons);
        }

        boolean none() {
            return milliCpu == 0 && memory == 0 && ephemeralStorage == 0 && scalarNames.length == 0;
        }
    }

    private final ScoringStrategy strategy;

    /** Scores with {@link ScoringStrategy#LEAST_ALLOCATED}, Kubernetes' default. */
    public Fit() {
        this(ScoringStrategy.LEAST_ALLOCATED);
    }

    public Fit(ScoringStrategy strategy) {
        this.strategy = strategy;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Room is made by a pod leaving, a node arriving, or a node offering more. */
    @Override
    public Set<ClusterEvent> events() {
        return Set.of(ClusterEvent.ASSIGNED_POD_DELETED, ClusterEvent.NODE_ADDED,
                ClusterEvent.NODE_ALLOCATABLE_CHANGED);
    }

    @Override
    public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
        state.write(REQUESTS, Requests.of(pod));
        return Status.success();
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        Requests want = state.read(REQUESTS);
        if (want == null) {
            want = Requests.of(pod);
        }
        List<String> reasons = null;
        if (node.pods().size() + 1 > node.allocatablePods()) {
            reasons = add(reasons, TOO_MANY_PODS);
        }
        if (want.none()) {
            return reasons == null ? Status.success() : Status.unschedulable(TOO_MANY_PODS);
        }
        Resource free = node.allocatable();
        Resource used = node.requested();
        if (want.milliCpu > 0 && want.milliCpu > free.milliCpu - used.milliCpu) {
            reasons = add(reasons, INSUFFICIENT_CPU);
        }
        if (want.memory > 0 && want.memory > free.memory - used.memory) {
            reasons = add(reasons, INSUFFICIENT_MEMORY);
        }
        if (want.ephemeralStorage > 0 && want.ephemeralStorage > free.ephemeralStorage - used.ephemeralStorage) {
            reasons = add(reasons, INSUFFICIENT_EPHEMERAL_STORAGE);
        }
        for (int i = 0; i < want.scalarNames.length; i++) {
            String name = want.scalarNames[i];
            if (want.scalarAmounts[i] > free.scalar(name) - used.scalar(name)) {
                reasons = add(reasons, want.scalarReasons[i]);
            }
        }
        return reasons == null ? Status.success() : Status.unschedulable(reasons.toArray(new String[0]));
    }

    private static List<String> add(List<String> reasons, String reason) {
        List<String> r = reasons == null ? new ArrayList<>(4) : reasons;
        r.add(reason);
        return r;
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        state.write(SCORE_REQUESTS, PodRequests.nonZero(pod));
        return Status.success();
    }

    /** The weighted average of the strategy's cpu and memory scores, with integer division. */
    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        Resource pods = state.read(SCORE_REQUESTS);
        if (pods == null) {
            pods = PodRequests.nonZero(pod);
        }
        Resource allocatable = node.allocatable();
        Resource requested = node.nonZeroRequested();
        long sum = 0;
        long weights = 0;
        if (allocatable.milliCpu > 0) {
            sum += strategy.resourceScore(requested.milliCpu + pods.milliCpu, allocatable.milliCpu) * CPU_WEIGHT;
            weights += CPU_WEIGHT;
        }
        if (allocatable.memory > 0) {
            sum += strategy.resourceScore(requested.memory + pods.memory, allocatable.memory) * MEMORY_WEIGHT;
            weights += MEMORY_WEIGHT;
        }
        return weights == 0 ? 0 : sum / weights;
    }
}
