package io.berth.scheduler.core;

import io.berth.scheduler.Pods;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FilterPlugin;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PreFilterPlugin;
import io.berth.scheduler.framework.ScorePlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.berth.scheduler.queue.Nominator;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;

class AlgorithmTest {

    /** Passes the nodes {@code fits} accepts; counts its calls. */
    static final class Only implements FilterPlugin {
        final Predicate<String> fits;
        final List<String> seen = new ArrayList<>();

        Only(Predicate<String> fits) {
            this.fits = fits;
        }

        @Override
        public String name() {
            return "Only";
        }

        @Override
        public Status filter(CycleState state, Pod pod, NodeInfo node) {
            seen.add(node.name());
            return fits.test(node.name()) ? Status.success() : Status.unschedulable("node(s) are not it");
        }
    }

    record Scores(ToLongFunction<String> score) implements ScorePlugin {
        @Override
        public String name() {
            return "Scores";
        }

        @Override
        public long score(CycleState state, Pod pod, NodeInfo node) {
            return score.applyAsLong(node.name());
        }
    }

    static Snapshot nodes(int n) {
        List<NodeInfo> infos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NodeInfo info = new NodeInfo();
            info.setNode(Pods.node("n" + i, "4", "8Gi", 110), 1);
            infos.add(info);
        }
        return new Snapshot(infos);
    }

    static Algorithm algorithm(Framework framework) {
        return new Algorithm(framework, 0, new SplittableRandom(7));
    }

    @ParameterizedTest(name = "{0} nodes: look for {1} feasible ones")
    @CsvSource({"10, 10", "99, 99", "100, 100", "1000, 420", "5000, 500", "6000, 300", "10000, 500", "50000, 2500"})
    void theShareOfNodesSearchedShrinksWithTheClusterAsKubernetesDoes(int all, int wanted) {
        assertThat(algorithm(new Framework(List.of(), Map.of())).feasibleNodesToFind(all)).isEqualTo(wanted);
    }

    @Test
    void theSearchStopsAtEnoughFeasibleNodesAndTheNextStartsWhereItStopped() {
        Only only = new Only(name -> true);
        Algorithm a = algorithm(new Framework(List.of(only), Map.of()));
        Snapshot snapshot = nodes(1000);

        Algorithm.Result first = a.schedule(new CycleState(), Pods.pending("p", "1", "1Mi", 0), snapshot);
        assertThat(first.evaluated()).isEqualTo(420);
        assertThat(only.seen.get(0)).isEqualTo("n0");
        only.seen.clear();

        a.schedule(new CycleState(), Pods.pending("q", "1", "1Mi", 0), snapshot);
        assertThat(only.seen.get(0)).isEqualTo("n420");
    }

    /** Fits while the node's requested cpu plus the pod's stays within its allocatable cpu. */
    static final class CpuFit implements FilterPlugin {
        @Override
        public String name() {
            return "NodeResourcesFit";
        }

        @Override
        public Status filter(CycleState state, Pod pod, NodeInfo node) {
            return node.requested().milliCpu + io.berth.scheduler.framework.PodRequests.of(pod).milliCpu
                    <= node.allocatable().milliCpu ? Status.success() : Status.unschedulable("Insufficient cpu");
        }
    }

    @Test
    void theRoomHeldForANominatedPodGoesToNoPodOfLowerPriority() {
        Nominator nominator = new Nominator();
        Algorithm a = new Algorithm(new Framework(List.of(new CpuFit()), Map.of()), 0, new SplittableRandom(7),
                nominator);
        Snapshot snapshot = nodes(1);
        nominator.nominate(Pods.pending("preemptor", "3", "1Mi", 100), "n0");

        Algorithm.Result lower = a.schedule(new CycleState(), Pods.pending("low", "2", "1Mi", 5), snapshot);
        assertThat(lower.scheduled()).isFalse();
        assertThat(lower.error().message()).contains("Insufficient cpu");
        assertThat(a.schedule(new CycleState(), Pods.pending("small", "1", "1Mi", 5), snapshot).node())
                .as("what the nominated pod leaves over is free").isEqualTo("n0");
        assertThat(a.schedule(new CycleState(), Pods.pending("higher", "2", "1Mi", 200), snapshot).node())
                .as("a pod of higher priority is not held back").isEqualTo("n0");
        assertThat(a.schedule(new CycleState(), Pods.pending("preemptor", "3", "1Mi", 100), snapshot).node())
                .as("the nominated pod itself").isEqualTo("n0");
    }

    @Test
    void theHighestTotalWinsWeighted() {
        Algorithm a = algorithm(new Framework(List.of(new Only(n -> true),
                new Scores(n -> n.equals("n3") ? 10 : 5)), Map.of("Scores", 2)));

        assertThat(a.schedule(new CycleState(), Pods.pending("p", "1", "1Mi", 0), nodes(5)).node()).isEqualTo("n3");
    }

    @Test
    void tiesAreBrokenAtRandomSoEveryTiedNodeGetsPods() {
        Algorithm a = algorithm(new Framework(List.of(new Scores(n -> 1)), Map.of()));
        java.util.Set<Integer> chosen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            chosen.add(a.best(new long[] {3, 7, 7, 7, 1}));
        }
        assertThat(chosen).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void noFeasibleNodeGivesTheRejectionsOfEveryNode() {
        Algorithm a = algorithm(new Framework(List.of(new Only(n -> false)), Map.of()));

        Algorithm.Result r = a.schedule(new CycleState(), Pods.pending("p", "1", "1Mi", 0), nodes(3));

        assertThat(r.scheduled()).isFalse();
        assertThat(r.error().message()).isEqualTo("0/3 nodes are available: 3 node(s) are not it.");
        assertThat(r.error().rejectors()).containsExactly("Only");
    }

    @Test
    void aPreFilterRejectionRejectsEveryNodeWithoutFiltering() {
        Only only = new Only(n -> true);
        PreFilterPlugin never = new PreFilterPlugin() {
            @Override
            public String name() {
                return "Never";
            }

            @Override
            public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
                return Status.unresolvable("the pod asks for the impossible");
            }
        };
        Algorithm.Result r = algorithm(new Framework(List.of(never, only), Map.of()))
                .schedule(new CycleState(), Pods.pending("p", "1", "1Mi", 0), nodes(4));

        assertThat(r.error().message()).isEqualTo("0/4 nodes are available: the pod asks for the impossible.");
        assertThat(only.seen).isEmpty();
    }

    @Test
    void aNominatedNodeIsTriedFirst() {
        Algorithm a = algorithm(new Framework(List.of(new Only(n -> true), new Scores(n -> n.equals("n0") ? 100 : 0)),
                Map.of()));
        Pod nominated = new PodBuilder(Pods.pending("p", "1", "1Mi", 0)).withNewStatus().withNominatedNodeName("n4")
                .endStatus().build();

        assertThat(a.schedule(new CycleState(), nominated, nodes(5)).node()).isEqualTo("n4");
    }
}
