package io.berth.apiserver.admission;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.admission.NodeRestriction.Operation;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConfigSourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** NodeRestriction, one row per rule: what a node may write, and Kubernetes' wording when it may not. */
class NodeRestrictionTest {

    static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    static final ResourceType NODES = REGISTRY.find("", "v1", "nodes").orElseThrow();
    static final ResourceType PODS = REGISTRY.find("", "v1", "pods").orElseThrow();
    static final ResourceType LEASES = REGISTRY.find("coordination.k8s.io", "v1", "leases").orElseThrow();
    static final ResourceType CONFIGMAPS = REGISTRY.find("", "v1", "configmaps").orElseThrow();

    static final UserInfo NODE_A = UserInfo.of("system:node:a", "", List.of("system:nodes", "system:authenticated"));
    static final UserInfo ALICE = UserInfo.of("alice", "", List.of("system:authenticated"));
    static final UserInfo NAMED_LIKE_A_NODE = UserInfo.of("system:node:a", "", List.of("system:authenticated"));
    static final UserInfo NAMELESS_NODE = UserInfo.of("system:node:", "", List.of("system:nodes"));

    /**
     * One write: who, what, and the expected refusal ({@code null}: admitted).
     *
     * @param obj the object as it would be stored (null on delete); {@code old} the stored one (null on create)
     */
    record Case(String description, UserInfo user, Operation op, ResourceType type, String subresource,
                String namespace, String name, HasMetadata obj, HasMetadata old, String refusal) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Node node(String name, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().endSpec().build();
    }

    static Node node(String name) {
        return node(name, Map.of("kubernetes.io/hostname", name));
    }

    static Node with(Node node, UnaryOperator<NodeBuilder> change) {
        return change.apply(new NodeBuilder(node)).build();
    }

    static Pod pod(String nodeName, String phase, boolean deleting) {
        PodBuilder b = new PodBuilder().withNewMetadata().withNamespace("tenant").withName("web")
                .withUid("uid-web").withLabels(Map.of("app", "web"))
                .withDeletionTimestamp(deleting ? "2026-11-27T20:00:00Z" : null).endMetadata()
                .withNewSpec().withNodeName(nodeName).endSpec();
        if (phase != null) {
            b.withNewStatus().withPhase(phase).endStatus();
        }
        return b.build();
    }

    static Lease lease(String namespace, String name, String ownerKind, String ownerName) {
        LeaseBuilder b = new LeaseBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata();
        if (ownerKind != null) {
            b.editMetadata().addNewOwnerReference().withApiVersion("v1").withKind(ownerKind).withName(ownerName)
                    .withUid("u").endOwnerReference().endMetadata();
        }
        return b.build();
    }

    static Case nodeCase(String description, UserInfo user, Operation op, String name, HasMetadata obj,
                         HasMetadata old, String refusal) {
        return new Case(description, user, op, NODES, "", "", name, obj, old, refusal);
    }

    static Stream<Case> cases() {
        Node a = node("a");
        Node restricted = node("a", Map.of("node-restriction.kubernetes.io/pool", "gold"));
        return Stream.of(
                nodeCase("a node registers itself with the kubelet's labels", NODE_A, Operation.CREATE, "a",
                        node("a", Map.of("kubernetes.io/hostname", "a", "node.kubernetes.io/instance-type", "m",
                                "topology.kubernetes.io/zone", "z", "example.com/team", "x",
                                "kubelet.kubernetes.io/any", "y")), null, null),
                nodeCase("a node may not register another node", NODE_A, Operation.CREATE, "b", node("b"), null,
                        "nodes \"b\" is forbidden: node \"a\" is not allowed to modify node \"b\""),
                nodeCase("a node may not register with a node-restriction label", NODE_A, Operation.CREATE, "a",
                        restricted, null, "nodes \"a\" is forbidden: node \"a\" is not allowed to set the following"
                                + " labels: node-restriction.kubernetes.io/pool"),
                nodeCase("a node may not set unknown kubernetes.io or k8s.io labels", NODE_A, Operation.CREATE, "a",
                        node("a", Map.of("kubernetes.io/role", "master", "x.k8s.io/y", "z",
                                "node-role.kubernetes.io/control-plane", "")), null,
                        "nodes \"a\" is forbidden: node \"a\" is not allowed to set the following labels: "
                                + "kubernetes.io/role, node-role.kubernetes.io/control-plane, x.k8s.io/y"),
                nodeCase("a node may not register with a configSource", NODE_A, Operation.CREATE, "a",
                        with(a, b -> b.editSpec().withConfigSource(new NodeConfigSourceBuilder().withNewConfigMap()
                                .withName("c").withNamespace("kube-system").withKubeletConfigKey("k")
                                .endConfigMap().build()).endSpec()), null,
                        "nodes \"a\" is forbidden: node \"a\" is not allowed to create pods with a non-nil"
                                + " configSource"),
                nodeCase("a node updates its own status and ordinary labels", NODE_A, Operation.UPDATE, "a",
                        with(a, b -> b.editMetadata().addToLabels("example.com/disk", "ssd").endMetadata()
                                .withNewStatus().withPhase("Running").endStatus()), a, null),
                nodeCase("a node may not add a node-restriction label", NODE_A, Operation.UPDATE, "a",
                        with(a, b -> b.editMetadata().addToLabels("node-restriction.kubernetes.io/pool", "gold")
                                .endMetadata()), a,
                        "nodes \"a\" is forbidden: is not allowed to modify labels: "
                                + "node-restriction.kubernetes.io/pool"),
                nodeCase("a node may not remove a node-restriction label", NODE_A, Operation.UPDATE, "a",
                        node("a", Map.of()), restricted,
                        "nodes \"a\" is forbidden: is not allowed to modify labels: "
                                + "node-restriction.kubernetes.io/pool"),
                nodeCase("a node may not change a node-restriction label", NODE_A, Operation.UPDATE, "a",
                        node("a", Map.of("node-restriction.kubernetes.io/pool", "silver")), restricted,
                        "nodes \"a\" is forbidden: is not allowed to modify labels: "
                                + "node-restriction.kubernetes.io/pool"),
                nodeCase("a node keeps a node-restriction label an admin set", NODE_A, Operation.UPDATE, "a",
                        with(restricted, b -> b.withNewStatus().withPhase("Running").endStatus()), restricted, null),
                nodeCase("a node may not change its taints", NODE_A, Operation.UPDATE, "a",
                        with(a, b -> b.editSpec().withTaints(new TaintBuilder().withKey("k").withEffect("NoSchedule")
                                .build()).endSpec()), a,
                        "nodes \"a\" is forbidden: node \"a\" is not allowed to modify taints"),
                nodeCase("a node may not drop the taints an admin set", NODE_A, Operation.UPDATE, "a", a,
                        with(a, b -> b.editSpec().withTaints(new TaintBuilder().withKey("k").withEffect("NoSchedule")
                                .build()).endSpec()),
                        "nodes \"a\" is forbidden: node \"a\" is not allowed to modify taints"),
                nodeCase("no taints and an empty list of taints are the same", NODE_A, Operation.UPDATE, "a",
                        with(a, b -> b.editSpec().withTaints(List.of()).endSpec()), a, null),
                nodeCase("a node may not set a configSource", NODE_A, Operation.UPDATE, "a",
                        with(a, b -> b.editSpec().withConfigSource(new NodeConfigSourceBuilder().withNewConfigMap()
                                .withName("c").withNamespace("kube-system").withKubeletConfigKey("k")
                                .endConfigMap().build()).endSpec()), a,
                        "nodes \"a\" is forbidden: node \"a\" is not allowed to update configSource to a new non-nil"
                                + " configSource"),
                nodeCase("a node may not update another node", NODE_A, Operation.UPDATE, "b", node("b"), node("b"),
                        "nodes \"b\" is forbidden: node \"a\" is not allowed to modify node \"b\""),
                nodeCase("a node may delete its own Node", NODE_A, Operation.DELETE, "a", null, a, null),
                nodeCase("a node may not delete another node", NODE_A, Operation.DELETE, "b", null, node("b"),
                        "nodes \"b\" is forbidden: node \"a\" is not allowed to modify node \"b\""),
                nodeCase("users who are not nodes are not restricted", ALICE, Operation.UPDATE, "b",
                        with(node("b"), b -> b.editMetadata().addToLabels("node-restriction.kubernetes.io/x", "y")
                                .endMetadata()), node("b"), null),
                nodeCase("a node name without the group system:nodes is not a node", NAMED_LIKE_A_NODE,
                        Operation.UPDATE, "b", node("b"), node("b"), null),
                nodeCase("a node without a name is refused", NAMELESS_NODE, Operation.UPDATE, "b", node("b"),
                        node("b"), "nodes \"b\" is forbidden: could not determine node from user \"system:node:\""),

                new Case("Berth has no mirror pods: a node may not create pods", NODE_A, Operation.CREATE, PODS, "",
                        "tenant", "web", pod("a", null, false), null, "pods \"web\" is forbidden: node \"a\" can not"
                        + " create pods: Berth has no static or mirror pods"),
                new Case("a node may not change a pod", NODE_A, Operation.UPDATE, PODS, "", "tenant", "web",
                        pod("a", "Running", false), pod("a", "Running", false), "pods \"web\" is forbidden: "
                        + "unexpected operation \"UPDATE\", node \"a\" can only update the status of pods and delete"
                        + " them"),
                new Case("a node updates the status of its pod", NODE_A, Operation.UPDATE, PODS, "status", "tenant",
                        "web", pod("a", "Running", false), pod("a", "Pending", false), null),
                new Case("a node may not update the status of another node's pod", NODE_A, Operation.UPDATE, PODS,
                        "status", "tenant", "web", pod("b", "Running", false), pod("b", "Pending", false),
                        "pods \"web\" is forbidden: node \"a\" can only update pod status for pods with spec.nodeName"
                                + " set to itself"),
                new Case("a node may not update the status of an unscheduled pod", NODE_A, Operation.UPDATE, PODS,
                        "status", "tenant", "web", pod(null, "Running", false), pod(null, "Pending", false),
                        "pods \"web\" is forbidden: node \"a\" can only update pod status for pods with spec.nodeName"
                                + " set to itself"),
                new Case("a node may not change labels through pod status", NODE_A, Operation.UPDATE, PODS, "status",
                        "tenant", "web", new PodBuilder(pod("a", "Running", false)).editMetadata()
                        .addToLabels("tier", "x").endMetadata().build(), pod("a", "Pending", false),
                        "pods \"web\" is forbidden: node \"a\" cannot update labels through pod status"),
                new Case("a node may not delete a running pod bound to it", NODE_A, Operation.DELETE, PODS, "",
                        "tenant", "web", null, pod("a", "Running", false), "pods \"web\" is forbidden: node \"a\" can"
                        + " only delete pods that are terminating (metadata.deletionTimestamp set) or finished"
                        + " (status.phase Succeeded or Failed)"),
                new Case("a node deletes a terminating pod bound to it", NODE_A, Operation.DELETE, PODS, "", "tenant",
                        "web", null, pod("a", "Running", true), null),
                new Case("a node deletes a succeeded pod bound to it", NODE_A, Operation.DELETE, PODS, "", "tenant",
                        "web", null, pod("a", "Succeeded", false), null),
                new Case("a node deletes a failed pod bound to it", NODE_A, Operation.DELETE, PODS, "", "tenant",
                        "web", null, pod("a", "Failed", false), null),
                new Case("a node may not delete another node's pod", NODE_A, Operation.DELETE, PODS, "", "tenant",
                        "web", null, pod("b", "Failed", true), "pods \"web\" is forbidden: node \"a\" can only delete"
                        + " pods with spec.nodeName set to itself"),
                new Case("a node may not bind pods", NODE_A, Operation.CREATE, PODS, "binding", "tenant", "web", null,
                        pod(null, "Pending", false), "pods \"web\" is forbidden: unexpected pod subresource"
                        + " \"binding\", only 'status' and 'eviction' are allowed"),
                new Case("a node evicts a pod bound to it", NODE_A, Operation.CREATE, PODS, "eviction", "tenant",
                        "web", null, pod("a", "Running", false), null),
                new Case("a node may not evict another node's pod", NODE_A, Operation.CREATE, PODS, "eviction",
                        "tenant", "web", null, pod("b", "Running", false), "pods \"web\" is forbidden: node a can"
                        + " only evict pods with spec.nodeName set to itself"),
                new Case("the scheduler binds pods", UserInfo.of("system:kube-scheduler", "", List.of()),
                        Operation.CREATE, PODS, "binding", "tenant", "web", null, pod(null, "Pending", false), null),

                new Case("a node creates its Lease, owned by its Node", NODE_A, Operation.CREATE, LEASES, "",
                        "kube-node-lease", "a", lease("kube-node-lease", "a", "Node", "a"), null, null),
                new Case("a node renews its Lease", NODE_A, Operation.UPDATE, LEASES, "", "kube-node-lease", "a",
                        lease("kube-node-lease", "a", null, null), lease("kube-node-lease", "a", null, null), null),
                new Case("a node may not create another node's Lease", NODE_A, Operation.CREATE, LEASES, "",
                        "kube-node-lease", "b", lease("kube-node-lease", "b", null, null), null,
                        "leases.coordination.k8s.io \"b\" is forbidden: can only access node lease with the same name"
                                + " as the requesting node"),
                new Case("a node may not delete another node's Lease", NODE_A, Operation.DELETE, LEASES, "",
                        "kube-node-lease", "b", null, lease("kube-node-lease", "b", null, null),
                        "leases.coordination.k8s.io \"b\" is forbidden: can only access node lease with the same name"
                                + " as the requesting node"),
                new Case("a node may use Leases only in kube-node-lease", NODE_A, Operation.CREATE, LEASES, "",
                        "kube-system", "a", lease("kube-system", "a", null, null), null,
                        "leases.coordination.k8s.io \"a\" is forbidden: can only access leases in the"
                                + " \"kube-node-lease\" system namespace"),
                new Case("a node's Lease may not be owned by another Node", NODE_A, Operation.CREATE, LEASES, "",
                        "kube-node-lease", "a", lease("kube-node-lease", "a", "Node", "b"), null,
                        "leases.coordination.k8s.io \"a\" is forbidden: node \"a\" can only set an owner reference to"
                                + " its own Node on its lease"),
                new Case("a node's Lease may not be owned by anything but a Node", NODE_A, Operation.UPDATE, LEASES,
                        "", "kube-node-lease", "a", lease("kube-node-lease", "a", "Pod", "a"),
                        lease("kube-node-lease", "a", null, null),
                        "leases.coordination.k8s.io \"a\" is forbidden: node \"a\" can only set an owner reference to"
                                + " its own Node on its lease"),
                new Case("other kinds are left to the node authorizer", NODE_A, Operation.UPDATE, CONFIGMAPS, "",
                        "tenant", "c", new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build(),
                        new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build(), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nodeRestrictionAdmitsOrRefusesWithKubernetesWording(Case c) {
        NodeRestriction plugin = new NodeRestriction();

        Runnable admit = () -> plugin.admit(c.user(), c.op(), c.type(), c.subresource(), c.namespace(), c.name(),
                c.obj(), c.old());

        if (c.refusal() == null) {
            assertThatCode(admit::run).doesNotThrowAnyException();
        } else {
            ApiException e = catchThrowableOfType(ApiException.class, admit::run);
            assertThat(e).as("refused").isNotNull();
            assertThat(e.code()).isEqualTo(403);
            assertThat(e.reason()).isEqualTo("Forbidden");
            assertThat(e.getMessage()).isEqualTo(c.refusal());
        }
    }

    /** One TokenRequest of {@code serviceaccounts/default/token} in namespace tenant. */
    record TokenCase(String description, UserInfo user, TokenRequest request, Pod pod, int code, String refusal) {
        @Override
        public String toString() {
            return description;
        }
    }

    static TokenRequest bound(String kind, String name, String uid) {
        return new TokenRequestBuilder().withNewSpec().withAudiences("api").withNewBoundObjectRef()
                .withApiVersion("v1").withKind(kind).withName(name).withUid(uid).endBoundObjectRef().endSpec().build();
    }

    static Stream<TokenCase> tokenRequests() {
        String prefix = "serviceaccounts \"default\" is forbidden: ";
        return Stream.of(
                new TokenCase("a node gets a token bound to a pod on it", NODE_A, bound("Pod", "web", "uid-web"),
                        pod("a", "Running", false), 0, null),
                new TokenCase("a node may not get an unbound token", NODE_A,
                        new TokenRequestBuilder().withNewSpec().withAudiences("api").endSpec().build(),
                        pod("a", "Running", false), 403, prefix + "node requested token not bound to a pod"),
                new TokenCase("a node may not get a token bound to a Secret", NODE_A, bound("Secret", "s", "u"),
                        pod("a", "Running", false), 403, prefix + "node requested token not bound to a pod"),
                new TokenCase("the pod binding needs a uid", NODE_A, bound("Pod", "web", null),
                        pod("a", "Running", false), 403,
                        prefix + "node requested token with a pod binding without a uid"),
                new TokenCase("the bound pod must exist", NODE_A, bound("Pod", "web", "uid-web"), null, 404,
                        "pods \"web\" not found"),
                new TokenCase("a recreated pod does not inherit tokens", NODE_A, bound("Pod", "web", "uid-old"),
                        pod("a", "Running", false), 403, prefix + "the UID in the bound object reference (uid-old)"
                        + " does not match the UID in record. The object might have been deleted and then recreated"),
                new TokenCase("a node may not get tokens of another node's pod", NODE_A, bound("Pod", "web", "uid-web"),
                        pod("b", "Running", false), 403,
                        prefix + "node requested token bound to a pod scheduled on a different node"),
                new TokenCase("users who are not nodes are not restricted", ALICE,
                        new TokenRequestBuilder().withNewSpec().withAudiences("api").endSpec().build(), null, 0,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenRequests")
    void tokenRequestsOfNodesAreBoundToTheirOwnPods(TokenCase c) {
        Runnable admit = () -> new NodeRestriction().admitTokenRequest(c.user(), "tenant", "default", c.request(),
                c.pod());

        if (c.refusal() == null) {
            assertThatCode(admit::run).doesNotThrowAnyException();
        } else {
            ApiException e = catchThrowableOfType(ApiException.class, admit::run);
            assertThat(e).as("refused").isNotNull();
            assertThat(e.code()).isEqualTo(c.code());
            assertThat(e.getMessage()).isEqualTo(c.refusal());
        }
    }

    record NodeTokenCase(String description, UserInfo user, String node, String refusal) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<NodeTokenCase> nodeTokens() {
        return Stream.of(
                new NodeTokenCase("a node renews its own credential", NODE_A, "a", null),
                new NodeTokenCase("a node may not get another node's credential", NODE_A, "b",
                        "nodes \"b\" is forbidden: node \"a\" is not allowed to modify node \"b\""),
                new NodeTokenCase("an administrator is not restricted", ALICE, "b", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodeTokens")
    void aNodeRenewsOnlyItsOwnCredential(NodeTokenCase c) {
        Runnable admit = () -> new NodeRestriction().admitNodeToken(c.user(), c.node());

        if (c.refusal() == null) {
            assertThatCode(admit::run).doesNotThrowAnyException();
        } else {
            ApiException e = catchThrowableOfType(ApiException.class, admit::run);
            assertThat(e.code()).isEqualTo(403);
            assertThat(e.getMessage()).isEqualTo(c.refusal());
        }
    }
}
