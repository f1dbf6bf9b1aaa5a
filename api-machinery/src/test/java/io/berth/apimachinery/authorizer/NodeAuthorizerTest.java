package io.berth.apimachinery.authorizer;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.rbac.Attributes;
import io.berth.apimachinery.rbac.Decision;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Node authorizer's decisions for node A, over a graph with one pod on A and one on B. */
class NodeAuthorizerTest {

    private static final UserInfo NODE_A = UserInfo.of("system:node:a", "", List.of("system:nodes",
            "system:authenticated"));
    private static final UserInfo TENANT = UserInfo.of("alice", "", List.of("system:authenticated"));

    private static final Pod ON_A = new PodBuilder().withNewMetadata().withNamespace("t").withName("web-a")
            .endMetadata().withNewSpec().withNodeName("a").withServiceAccountName("runner")
            .addNewVolume().withName("cfg").withNewConfigMap().withName("settings").endConfigMap().endVolume()
            .addNewContainer().withName("c").withImage("host")
            .addNewEnv().withName("PASSWORD").withNewValueFrom().withNewSecretKeyRef().withName("db")
            .withKey("p").endSecretKeyRef().endValueFrom().endEnv()
            .endContainer().endSpec().build();
    private static final Pod ON_B = new PodBuilder().withNewMetadata().withNamespace("t").withName("web-b")
            .endMetadata().withNewSpec().withNodeName("b")
            .addNewVolume().withName("s").withNewSecret().withSecretName("only-b").endSecret().endVolume()
            .endSpec().build();

    private static final NodeGraph GRAPH = new NodeGraph() {
        @Override
        public List<Pod> podsOnNode(String node) {
            return List.of(ON_A, ON_B).stream().filter(p -> p.getSpec().getNodeName().equals(node)).toList();
        }

        @Override
        public Pod pod(String namespace, String name) {
            return List.of(ON_A, ON_B).stream().filter(p -> p.getMetadata().getName().equals(name)
                    && p.getMetadata().getNamespace().equals(namespace)).findFirst().orElse(null);
        }
    };

    private final NodeAuthorizer authorizer = new NodeAuthorizer(GRAPH, ResourceRegistry.builtIn());

    record Case(String description, UserInfo user, String verb, String group, String resource, String subresource,
                String namespace, String name, String fieldSelector, Decision expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("a node reads its own Node", NODE_A, "get", "", "nodes", "", "", "a", null, Decision.ALLOW),
                new Case("a node cannot read another Node", NODE_A, "get", "", "nodes", "", "", "b", null,
                        Decision.DENY),
                new Case("a node updates its own Node status", NODE_A, "patch", "", "nodes", "status", "", "a",
                        null, Decision.ALLOW),
                new Case("a node cannot update another Node's status", NODE_A, "update", "", "nodes", "status", "",
                        "b", null, Decision.DENY),
                new Case("a node registers itself (name in the body)", NODE_A, "create", "", "nodes", "", "", "",
                        null, Decision.ALLOW),
                new Case("a node watches its own Node by name", NODE_A, "watch", "", "nodes", "", "", "",
                        "metadata.name=a", Decision.ALLOW),
                new Case("a node cannot list every Node", NODE_A, "list", "", "nodes", "", "", "", null,
                        Decision.DENY),
                new Case("a node renews its own Lease", NODE_A, "update", "coordination.k8s.io", "leases", "",
                        "kube-node-lease", "a", null, Decision.ALLOW),
                new Case("a node cannot touch another node's Lease", NODE_A, "update", "coordination.k8s.io",
                        "leases", "", "kube-node-lease", "b", null, Decision.DENY),
                new Case("a node cannot read another node's Lease", NODE_A, "get", "coordination.k8s.io",
                        "leases", "", "kube-node-lease", "b", null, Decision.DENY),
                new Case("a node cannot use Leases outside kube-node-lease", NODE_A, "get", "coordination.k8s.io",
                        "leases", "", "kube-system", "kube-scheduler", null, Decision.DENY),
                new Case("a node reads a pod bound to it", NODE_A, "get", "", "pods", "", "t", "web-a", null,
                        Decision.ALLOW),
                new Case("a node cannot read a pod bound to another node", NODE_A, "get", "", "pods", "", "t",
                        "web-b", null, Decision.DENY),
                new Case("a node updates the status of its pod", NODE_A, "patch", "", "pods", "status", "t",
                        "web-a", null, Decision.ALLOW),
                new Case("a node cannot update the status of another node's pod", NODE_A, "patch", "", "pods",
                        "status", "t", "web-b", null, Decision.DENY),
                new Case("a node cannot update a pod's spec", NODE_A, "update", "", "pods", "", "t", "web-a", null,
                        Decision.DENY),
                new Case("a node watches the pods bound to it", NODE_A, "watch", "", "pods", "", "",
                        "", "spec.nodeName=a", Decision.ALLOW),
                new Case("a node cannot watch the pods of another node", NODE_A, "watch", "", "pods", "", "", "",
                        "spec.nodeName=b", Decision.DENY),
                new Case("a node cannot list every pod", NODE_A, "list", "", "pods", "", "", "", null,
                        Decision.DENY),
                new Case("a node reads a Secret its pod references", NODE_A, "get", "", "secrets", "", "t", "db",
                        null, Decision.ALLOW),
                new Case("a node watches that Secret by name", NODE_A, "watch", "", "secrets", "", "t", "",
                        "metadata.name=db", Decision.ALLOW),
                new Case("a node cannot read a Secret only another node's pod references", NODE_A, "get", "",
                        "secrets", "", "t", "only-b", null, Decision.DENY),
                new Case("a node cannot list Secrets", NODE_A, "list", "", "secrets", "", "t", "", null,
                        Decision.DENY),
                new Case("a node cannot write a Secret its pod references", NODE_A, "update", "", "secrets", "",
                        "t", "db", null, Decision.DENY),
                new Case("a node reads a ConfigMap its pod mounts", NODE_A, "get", "", "configmaps", "", "t",
                        "settings", null, Decision.ALLOW),
                new Case("a node requests a token for its pod's ServiceAccount", NODE_A, "create", "",
                        "serviceaccounts", "token", "t", "runner", null, Decision.ALLOW),
                new Case("a node cannot request a token for another ServiceAccount", NODE_A, "create", "",
                        "serviceaccounts", "token", "t", "default", null, Decision.DENY),
                new Case("a node renews its own credential", NODE_A, "create", "", "nodes", "token", "", "a",
                        null, Decision.ALLOW),
                new Case("a node cannot obtain another node's credential", NODE_A, "create", "", "nodes", "token",
                        "", "b", null, Decision.DENY),
                new Case("a node records events (system:node rules)", NODE_A, "create", "", "events", "", "t", "",
                        null, Decision.ALLOW),
                new Case("anything else is left to RBAC", NODE_A, "get", "apps", "deployments", "", "t", "d", null,
                        Decision.NO_OPINION),
                new Case("users who are not nodes are none of its business", TENANT, "get", "", "nodes", "", "",
                        "a", null, Decision.NO_OPINION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        Attributes a = Attributes.resource(c.user(), c.verb(), c.group(), c.resource(), c.subresource(),
                c.namespace(), c.name());

        assertThat(authorizer.authorize(a, c.fieldSelector()).decision()).isEqualTo(c.expected());
    }
}
