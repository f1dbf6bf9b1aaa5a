package io.berth.scheduler.plugins.defaultpreemption;

import io.berth.scheduler.Pods;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.FilterPlugin;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.framework.NodeInfo;
import io.berth.scheduler.framework.PodInfo;
import io.berth.scheduler.framework.PodRequests;
import io.berth.scheduler.framework.PostFilterPlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultPreemptionTest {

    /** Fits when the node's cpu allows it: the filter preemption's trials run. */
    static final class CpuFit implements FilterPlugin {
        @Override
        public String name() {
            return "NodeResourcesFit";
        }

        @Override
        public Status filter(CycleState state, Pod pod, NodeInfo node) {
            return node.requested().milliCpu + PodRequests.of(pod).milliCpu <= node.allocatable().milliCpu
                    ? Status.success() : Status.unschedulable("Insufficient cpu");
        }
    }

    final List<String> evicted = new ArrayList<>();
    final Map<String, String> nominated = new HashMap<>();
    final DefaultPreemption.Actions actions = new DefaultPreemption.Actions() {
        @Override
        public void evict(Pod victim, Pod preemptor) {
            evicted.add(victim.getMetadata().getName());
        }

        @Override
        public void nominate(Pod preemptor, String node) {
            nominated.put(preemptor.getMetadata().getName(), node);
        }
    };
    final Framework framework = new Framework(List.of(new CpuFit()), Map.of());
    final DefaultPreemption preemption = new DefaultPreemption(() -> framework, actions);

    static NodeInfo node(String name, Pod... pods) {
        NodeInfo n = new NodeInfo();
        n.setNode(Pods.node(name, "4", "8Gi", 110), 1);
        for (Pod p : pods) {
            n.addPod(PodInfo.of(p), 2);
        }
        return n;
    }

    static Pod running(String name, String node, String cpu, int priority) {
        return new PodBuilder(Pods.bound(name, node, cpu, "1Mi")).editSpec().withPriority(priority).endSpec().build();
    }

    PostFilterPlugin.Result preempt(Pod pod, NodeInfo... nodes) {
        Map<String, Status> rejections = new HashMap<>();
        for (NodeInfo n : nodes) {
            rejections.put(n.name(), framework.runFilters(new CycleState(), pod, n));
        }
        return preemption.postFilter(new CycleState(), pod, new Snapshot(List.of(nodes)), rejections);
    }

    @Test
    void theLeastImportantPodsThatMakeRoomAreEvictedAndTheNodeNominated() {
        NodeInfo n1 = node("n1", running("low", "n1", "2", 1), running("mid", "n1", "1", 5));
        NodeInfo n2 = node("n2", running("high", "n2", "3", 100));

        PostFilterPlugin.Result r = preempt(Pods.pending("urgent", "3", "1Mi", 10), n1, n2);

        assertThat(r.nominatedNode()).isEqualTo("n1");
        assertThat(evicted).as("mid is given back: with low gone there is room for both").containsExactly("low");
        assertThat(nominated).containsEntry("urgent", "n1");
    }

    @Test
    void theNodeWhoseMostImportantVictimMattersLeastWins() {
        NodeInfo n1 = node("n1", running("a", "n1", "4", 7));
        NodeInfo n2 = node("n2", running("b", "n2", "4", 3));

        assertThat(preempt(Pods.pending("urgent", "2", "1Mi", 10), n1, n2).nominatedNode()).isEqualTo("n2");
        assertThat(evicted).containsExactly("b");
    }

    @Test
    void podsOfEqualOrHigherPriorityAreNeverVictims() {
        NodeInfo n1 = node("n1", running("peer", "n1", "4", 10));

        PostFilterPlugin.Result r = preempt(Pods.pending("urgent", "2", "1Mi", 10), n1);

        assertThat(r.nominatedNode()).isNull();
        assertThat(r.status().message())
                .isEqualTo("preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod");
        assertThat(evicted).isEmpty();
    }

    @Test
    void aPodWhoseVictimsAreStillTerminatingWaitsInsteadOfEvictingMore() {
        Pod going = new PodBuilder(running("going", "n1", "2", 1)).editMetadata()
                .withDeletionTimestamp("2026-11-28T00:00:00Z").endMetadata().build();
        NodeInfo n1 = node("n1", going, running("other", "n1", "2", 1));
        Pod nominated = new PodBuilder(Pods.pending("urgent", "2", "1Mi", 10)).withNewStatus()
                .withNominatedNodeName("n1").endStatus().build();

        PostFilterPlugin.Result r = preempt(nominated, n1);

        assertThat(r.nominatedNode()).isNull();
        assertThat(r.status().message())
                .isEqualTo("preemption: not eligible due to a terminating pod on the nominated node");
        assertThat(evicted).isEmpty();
    }

    @Test
    void aPodThatMayNotPreemptDoesNot() {
        NodeInfo n1 = node("n1", running("low", "n1", "4", 1));
        Pod never = new PodBuilder(Pods.pending("polite", "2", "1Mi", 10)).editSpec().withPreemptionPolicy("Never")
                .endSpec().build();

        PostFilterPlugin.Result r = preempt(never, n1);

        assertThat(r.nominatedNode()).isNull();
        assertThat(r.status().message()).isEqualTo("preemption: not eligible due to preemptionPolicy=Never");
        assertThat(evicted).isEmpty();
    }

    @Test
    void nodesRejectedForGoodAreNoCandidates() {
        NodeInfo n1 = node("n1", running("low", "n1", "4", 1));
        Map<String, Status> rejections = Map.of("n1", Status.unresolvable("node(s) had untolerated taint {a: b}"));

        PostFilterPlugin.Result r = preemption.postFilter(new CycleState(), Pods.pending("urgent", "2", "1Mi", 10),
                new Snapshot(List.of(n1)), rejections);

        assertThat(r.status().message())
                .isEqualTo("preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling");
        assertThat(evicted).isEmpty();
    }
}
