package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scheduling profile's plugins, by extension point and in order, with the score weights (Kubernetes'
 * {@code frameworkImpl}): runs an extension point over its plugins, attributes each status to its plugin, and remembers
 * within a cycle which plugins' Filter or Score a PreFilter/PreScore skipped. Immutable after construction; the
 * methods are called by the scheduling thread (and by preemption trials, on copies of the cycle state).
 */
public final class Framework {

    private static final CycleState.Key<Set<String>> SKIP_FILTER = new CycleState.Key<>("framework/skip-filter");
    /** The Filter plugins the cycle runs: those whose PreFilter did not skip (looked up once, not per node). */
    private static final CycleState.Key<FilterPlugin[]> ACTIVE_FILTERS = new CycleState.Key<>("framework/filters");
    private static final CycleState.Key<Set<String>> SKIP_SCORE = new CycleState.Key<>("framework/skip-score");
    private static final CycleState.Key<Snapshot> SNAPSHOT = new CycleState.Key<>("framework/snapshot");

    private final List<PreFilterPlugin> preFilters = new ArrayList<>();
    private final List<FilterPlugin> filters = new ArrayList<>();
    private final List<PostFilterPlugin> postFilters = new ArrayList<>();
    private final List<PreScorePlugin> preScores = new ArrayList<>();
    private final List<ScorePlugin> scores = new ArrayList<>();
    private final long[] weights;
    private final List<ReservePlugin> reserves = new ArrayList<>();
    private final Map<String, Plugin> plugins = new LinkedHashMap<>();

    /**
     * @param plugins in the order their extension points run them
     * @param weights score weights by plugin name; a scoring plugin without one weighs 1
     */
    public Framework(List<? extends Plugin> plugins, Map<String, Integer> weights) {
        List<Long> w = new ArrayList<>();
        for (Plugin p : plugins) {
            if (this.plugins.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("plugin " + p.name() + " is configured twice");
            }
            if (p instanceof PreFilterPlugin x) {
                preFilters.add(x);
            }
            if (p instanceof FilterPlugin x) {
                filters.add(x);
            }
            if (p instanceof PostFilterPlugin x) {
                postFilters.add(x);
            }
            if (p instanceof PreScorePlugin x) {
                preScores.add(x);
            }
            if (p instanceof ScorePlugin x) {
                scores.add(x);
                int weight = weights.getOrDefault(p.name(), 1);
                if (weight < 0) {
                    throw new IllegalArgumentException("plugin " + p.name() + " has a negative weight");
                }
                w.add((long) weight);
            }
            if (p instanceof ReservePlugin x) {
                reserves.add(x);
            }
        }
        this.weights = w.stream().mapToLong(Long::longValue).toArray();
    }

    public Map<String, Plugin> plugins() {
        return plugins;
    }

    /** Each plugin's name with the events that may make a pod it rejected fit (for the queue). */
    public Map<String, Set<ClusterEvent>> events() {
        Map<String, Set<ClusterEvent>> events = new LinkedHashMap<>();
        plugins.forEach((name, p) -> events.put(name, p.events()));
        return events;
    }

    /**
     * The cycle's snapshot, for a plugin that looks past the nodes it is given (every node, not only the feasible
     * ones, as Kubernetes' plugins do through their handle's snapshot lister); null before PreFilter ran.
     */
    public static Snapshot snapshot(CycleState state) {
        return state.read(SNAPSHOT);
    }

    /** Runs every PreFilter; the first rejection (attributed to its plugin) ends it. */
    public Status runPreFilter(CycleState state, Pod pod, Snapshot snapshot) {
        state.write(SNAPSHOT, snapshot);
        Set<String> skipped = new HashSet<>();
        for (PreFilterPlugin p : preFilters) {
            Status s = p.preFilter(state, pod, snapshot);
            if (s.isSkip()) {
                skipped.add(p.name());
            } else if (!s.isSuccess()) {
                return s.from(p.name());
            }
        }
        state.write(SKIP_FILTER, skipped);
        List<FilterPlugin> active = new ArrayList<>(filters.size());
        for (FilterPlugin f : filters) {
            if (!skipped.contains(f.name())) {
                active.add(f);
            }
        }
        state.write(ACTIVE_FILTERS, active.toArray(new FilterPlugin[0]));
        return Status.success();
    }

    /** Tells the PreFilter plugins that track other pods (and did not skip) that {@code added} runs on {@code node}. */
    public void runAddPod(CycleState state, Pod pod, PodInfo added, NodeInfo node) {
        Set<String> skipped = state.read(SKIP_FILTER);
        for (PreFilterPlugin p : preFilters) {
            if (p instanceof PreFilterExtensions x && (skipped == null || !skipped.contains(p.name()))) {
                x.addPod(state, pod, added, node);
            }
        }
    }

    /** Tells the PreFilter plugins that track other pods (and did not skip) that {@code removed} left {@code node}. */
    public void runRemovePod(CycleState state, Pod pod, PodInfo removed, NodeInfo node) {
        Set<String> skipped = state.read(SKIP_FILTER);
        for (PreFilterPlugin p : preFilters) {
            if (p instanceof PreFilterExtensions x && (skipped == null || !skipped.contains(p.name()))) {
                x.removePod(state, pod, removed, node);
            }
        }
    }

    /** Runs the Filters on one node, in order; the first that does not pass decides. */
    public Status runFilters(CycleState state, Pod pod, NodeInfo node) {
        FilterPlugin[] active = state.read(ACTIVE_FILTERS);
        if (active == null) {
            active = filters.toArray(new FilterPlugin[0]);
        }
        for (FilterPlugin p : active) {
            Status s = p.filter(state, pod, node);
            if (!s.isSuccess()) {
                return s.from(p.name());
            }
        }
        return Status.success();
    }

    public boolean hasPostFilters() {
        return !postFilters.isEmpty();
    }

    /** Runs the PostFilters until one finds a node (preemption); null when there are none. */
    public PostFilterPlugin.Result runPostFilter(CycleState state, Pod pod, Snapshot snapshot,
                                                 Map<String, Status> rejections) {
        PostFilterPlugin.Result last = null;
        for (PostFilterPlugin p : postFilters) {
            PostFilterPlugin.Result r = p.postFilter(state, pod, snapshot, rejections);
            last = new PostFilterPlugin.Result(r.nominatedNode(), r.status().from(p.name()));
            if (r.nominatedNode() != null) {
                return last;
            }
        }
        return last;
    }

    public Status runPreScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        Set<String> skipped = new HashSet<>();
        for (PreScorePlugin p : preScores) {
            Status s = p.preScore(state, pod, feasible);
            if (s.isSkip()) {
                skipped.add(p.name());
            } else if (!s.isSuccess()) {
                return s.from(p.name());
            }
        }
        state.write(SKIP_SCORE, skipped);
        return Status.success();
    }

    /** Every feasible node's weighted total, in {@code feasible}'s order. */
    public long[] runScore(CycleState state, Pod pod, List<NodeInfo> feasible) {
        long[] total = new long[feasible.size()];
        Set<String> skipped = state.read(SKIP_SCORE);
        long[] scores = new long[feasible.size()];
        for (int p = 0; p < this.scores.size(); p++) {
            ScorePlugin plugin = this.scores.get(p);
            if (weights[p] == 0 || skipped != null && skipped.contains(plugin.name())) {
                continue;
            }
            for (int i = 0; i < feasible.size(); i++) {
                scores[i] = plugin.score(state, pod, feasible.get(i));
            }
            plugin.normalize(state, pod, feasible, scores);
            for (int i = 0; i < feasible.size(); i++) {
                total[i] += scores[i] * weights[p];
            }
        }
        return total;
    }

    /** Runs Reserve in order; on a failure, the plugins reserved so far are unreserved. */
    public Status runReserve(CycleState state, Pod pod, String node) {
        for (int i = 0; i < reserves.size(); i++) {
            Status s = reserves.get(i).reserve(state, pod, node);
            if (!s.isSuccess()) {
                for (int j = i; j >= 0; j--) {
                    reserves.get(j).unreserve(state, pod, node);
                }
                return s.from(reserves.get(i).name());
            }
        }
        return Status.success();
    }

    /** Runs Unreserve in reverse order. */
    public void runUnreserve(CycleState state, Pod pod, String node) {
        for (int i = reserves.size() - 1; i >= 0; i--) {
            reserves.get(i).unreserve(state, pod, node);
        }
    }
}
