package io.berth.controller.nodeipam;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeIpamReconcilerTest {

    private final Map<String, Node> nodes = new TreeMap<>();
    private final List<String> writes = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<String> enqueued = new ArrayList<>();
    /** Codes the next patches fail with (0: a timeout, the outcome unknown). */
    private final Deque<Integer> failures = new ArrayDeque<>();
    private final NodeIpamWrites api = new NodeIpamWrites() {
        @Override
        public void patchPodCidr(String node, String cidr) {
            writes.add("PATCH nodes/" + node + " podCIDR=" + cidr);
            Integer code = failures.poll();
            if (code != null) {
                throw new KubernetesClientException(new StatusBuilder().withCode(code).build());
            }
            nodes.put(node, new NodeBuilder(nodes.get(node)).editOrNewSpec().withPodCIDR(cidr).withPodCIDRs(cidr)
                    .endSpec().build());
        }

        @Override
        public void event(Node node, String reason, String message) {
            events.add(reason + " " + node.getMetadata().getName() + ": " + message);
        }
    };

    private NodeIpamReconciler reconciler(String clusterCidr) {
        return new NodeIpamReconciler(new RangeAllocator(clusterCidr, 24), nodes::get,
                () -> List.copyOf(nodes.values()), api, enqueued::add);
    }

    @Test
    void aNewNodeGetsTheFirstBlockNotHeldByAnExistingNode() {
        add("old", "10.244.0.0/24");
        add("new", null);
        NodeIpamReconciler reconciler = reconciler("10.244.0.0/16");

        reconciler.reconcile("new");

        assertThat(writes).containsExactly("PATCH nodes/new podCIDR=10.244.1.0/24");
        assertThat(nodes.get("new").getSpec().getPodCIDRs()).containsExactly("10.244.1.0/24");
    }

    @Test
    void aNodeWithItsCidrCostsNoWrite() {
        add("a", "10.244.5.0/24");
        add("simulated", "10.3.4.0/24");
        NodeIpamReconciler reconciler = reconciler("10.244.0.0/16");

        reconciler.reconcile("a");
        reconciler.reconcile("simulated");

        assertThat(writes).isEmpty();
    }

    @Test
    void aRefusedPatchReleasesTheBlockReportsTheFailureAndIsRetried() {
        add("a", null);
        add("b", null);
        NodeIpamReconciler reconciler = reconciler("10.244.0.0/16");
        failures.add(422);

        assertThatThrownBy(() -> reconciler.reconcile("a")).isInstanceOf(KubernetesClientException.class);
        assertThat(events).containsExactly(
                "CIDRAssignmentFailed a: Node a status is now: CIDRAssignmentFailed");

        reconciler.reconcile("b");
        assertThat(writes).containsExactly("PATCH nodes/a podCIDR=10.244.0.0/24",
                "PATCH nodes/b podCIDR=10.244.1.0/24");
        reconciler.reconcile("a");
        assertThat(writes).last().isEqualTo("PATCH nodes/a podCIDR=10.244.2.0/24");
    }

    @Test
    void aPatchWithAnUnknownOutcomeKeepsItsBlockAndTheRetrySendsTheSameOne() {
        add("a", null);
        add("b", null);
        NodeIpamReconciler reconciler = reconciler("10.244.0.0/16");
        failures.add(504);

        assertThatThrownBy(() -> reconciler.reconcile("a")).isInstanceOf(KubernetesClientException.class);
        reconciler.reconcile("b");
        reconciler.reconcile("a");

        assertThat(writes).containsExactly("PATCH nodes/a podCIDR=10.244.0.0/24",
                "PATCH nodes/b podCIDR=10.244.1.0/24", "PATCH nodes/a podCIDR=10.244.0.0/24");
        assertThat(events).isEmpty();
    }

    @Test
    void aFullRangeIsReportedOnTheNodeAndTheNodeIsRetriedWhenABlockIsFreed() {
        add("a", null);
        add("b", null);
        NodeIpamReconciler reconciler = reconciler("10.244.0.0/24");
        reconciler.reconcile("a");

        assertThatThrownBy(() -> reconciler.reconcile("b")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no pod CIDR left");
        assertThatThrownBy(() -> reconciler.reconcile("b")).isInstanceOf(IllegalStateException.class);
        assertThat(events).containsExactly("CIDRNotAvailable b: Node b status is now: CIDRNotAvailable");

        nodes.remove("a");
        reconciler.reconcile("a");
        assertThat(enqueued).containsExactly("b");
        reconciler.reconcile("b");
        assertThat(writes).last().isEqualTo("PATCH nodes/b podCIDR=10.244.0.0/24");
    }

    @Test
    void aPatchForANodeDeletedMeanwhileReleasesTheBlock() {
        add("a", null);
        NodeIpamReconciler reconciler = reconciler("10.244.0.0/24");
        failures.add(404);

        reconciler.reconcile("a");
        nodes.remove("a");
        reconciler.reconcile("a");
        add("b", null);
        reconciler.reconcile("b");

        assertThat(writes).last().isEqualTo("PATCH nodes/b podCIDR=10.244.0.0/24");
    }

    private void add(String name, String podCidr) {
        nodes.put(name, new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withPodCIDR(podCidr).withPodCIDRs(podCidr == null ? List.of() : List.of(podCidr))
                .endSpec().build());
    }
}
