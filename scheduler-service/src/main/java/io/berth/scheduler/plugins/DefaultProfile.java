package io.berth.scheduler.plugins;

import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.Namespaces;
import io.berth.scheduler.framework.Plugin;
import io.berth.scheduler.plugins.defaultpreemption.DefaultPreemption;
import io.berth.scheduler.plugins.interpodaffinity.InterPodAffinity;
import io.berth.scheduler.plugins.nodeaffinity.NodeAffinity;
import io.berth.scheduler.plugins.nodename.NodeName;
import io.berth.scheduler.plugins.nodeports.NodePorts;
import io.berth.scheduler.plugins.noderesources.BalancedAllocation;
import io.berth.scheduler.plugins.noderesources.Fit;
import io.berth.scheduler.plugins.noderesources.ScoringStrategy;
import io.berth.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import io.berth.scheduler.plugins.podtopologyspread.PodTopologySpread;
import io.berth.scheduler.plugins.tainttoleration.TaintToleration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Kubernetes' default profile ({@code default-scheduler}): its plugins in its order, with its score weights
 * (TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1, PodTopologySpread 2, InterPodAffinity 2,
 * NodeResourcesBalancedAllocation 1), which configuration may
 * override, and plugins it may disable.
 */
public final class DefaultProfile {

    public static final Map<String, Integer> WEIGHTS = Map.of(
            "TaintToleration", 3,
            "NodeAffinity", 2,
            "NodeResourcesFit", 1,
            "PodTopologySpread", 2,
            "InterPodAffinity", 2,
            "NodeResourcesBalancedAllocation", 1);

    private DefaultProfile() {
    }

    /**
     * The plugins, in Kubernetes' order for each extension point.
     *
     * @param framework the framework they end up in (preemption runs its filters on trial nodes)
     */
    public static List<Plugin> plugins(String scoringStrategy, Supplier<Framework> framework,
                                       DefaultPreemption.Actions preemption, Namespaces namespaces) {
        return List.of(
                new NodeUnschedulable(),
                new NodeName(),
                new TaintToleration(),
                new NodeAffinity(),
                new NodePorts(),
                new Fit(ScoringStrategy.of(scoringStrategy)),
                new PodTopologySpread(),
                new InterPodAffinity(namespaces),
                new BalancedAllocation(),
                new DefaultPreemption(framework, preemption));
    }

    /**
     * @param disabled plugin names to leave out (an unknown name is refused, so a typo does not go unnoticed)
     * @param weights  score weights overriding {@link #WEIGHTS}
     */
    public static Framework framework(String scoringStrategy, List<String> disabled, Map<String, Integer> weights,
                                      DefaultPreemption.Actions preemption, Namespaces namespaces) {
        List<Plugin> plugins = new ArrayList<>();
        Set<String> off = Set.copyOf(disabled);
        List<String> known = new ArrayList<>();
        AtomicReference<Framework> built = new AtomicReference<>();
        for (Plugin p : plugins(scoringStrategy, built::get, preemption, namespaces)) {
            known.add(p.name());
            if (!off.contains(p.name())) {
                plugins.add(p);
            }
        }
        for (String name : off) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("berth.scheduler.disabled-plugins: no plugin " + name
                        + " (known: " + known + ")");
            }
        }
        Map<String, Integer> w = new HashMap<>(WEIGHTS);
        w.putAll(weights);
        Framework framework = new Framework(plugins, w);
        built.set(framework);
        return framework;
    }
}
