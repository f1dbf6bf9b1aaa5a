package io.berth.apimachinery.table;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TableConvertorTest {

    static final Instant NOW = Instant.parse("2024-05-03T12:00:00Z");

    static ObjectMeta meta(String name, String namespace) {
        return new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                .withCreationTimestamp("2024-05-01T09:00:00Z").build();
    }

    static ResourceType type(String group, String resource) {
        return ResourceRegistry.builtIn().find(group, "v1", resource).orElseThrow();
    }

    record Row(String description, ResourceType type, HasMetadata object, List<String> columns, List<Object> cells) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("a ready node that is cordoned, with roles from its labels", type("", "nodes"),
                        new NodeBuilder().withMetadata(new ObjectMetaBuilder(meta("node-1", null)).withLabels(Map.of(
                                        "node-role.kubernetes.io/worker", "", "node-role.kubernetes.io/control-plane", ""))
                                        .build())
                                .withNewSpec().withUnschedulable(true).endSpec()
                                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                                .addNewAddress().withType("InternalIP").withAddress("10.0.0.5").endAddress()
                                .withNewNodeInfo().withKubeletVersion("v1.32.0").withOsImage("Debian GNU/Linux 12")
                                .endNodeInfo().endStatus().build(),
                        List.of("Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image",
                                "Kernel-Version", "Container-Runtime"),
                        List.of("node-1", "Ready,SchedulingDisabled", "control-plane,worker", "2d3h", "v1.32.0",
                                "10.0.0.5", "<none>", "Debian GNU/Linux 12", "<unknown>", "<unknown>")),
                new Row("a node without conditions is Unknown and has no role", type("", "nodes"),
                        new NodeBuilder().withMetadata(meta("node-2", null)).build(), null,
                        List.of("node-2", "Unknown", "<none>", "2d3h", "", "<none>", "<none>", "<unknown>",
                                "<unknown>", "<unknown>")),
                new Row("a node whose kubelet stopped is NotReady; kubernetes.io/role names a role",
                        type("", "nodes"), new NodeBuilder().withMetadata(new ObjectMetaBuilder(meta("n3", null))
                                .withLabels(Map.of("kubernetes.io/role", "master")).build())
                        .withNewStatus().addNewCondition().withType("Ready").withStatus("Unknown").endCondition()
                        .endStatus().build(), null,
                        List.of("n3", "NotReady", "master", "2d3h", "", "<none>", "<none>", "<unknown>", "<unknown>",
                                "<unknown>")),
                new Row("a cluster IP service", type("", "services"), new ServiceBuilder()
                        .withMetadata(meta("web", "default")).withNewSpec().withType("ClusterIP")
                        .withClusterIP("10.96.0.10").withClusterIPs("10.96.0.10").withSelector(Map.of("app", "web"))
                        .addNewPort().withPort(80).withProtocol("TCP").endPort()
                        .addNewPort().withPort(53).withProtocol("UDP").endPort().endSpec().build(),
                        List.of("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"),
                        List.of("web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "2d3h", "app=web")),
                new Row("a node port service shows both ports", type("", "services"), new ServiceBuilder()
                        .withMetadata(meta("web", "default")).withNewSpec().withType("NodePort")
                        .withClusterIP("10.96.0.11").addNewPort().withPort(80).withNodePort(30080).withProtocol("TCP")
                        .endPort().endSpec().build(), null,
                        List.of("web", "NodePort", "10.96.0.11", "<none>", "80:30080/TCP", "2d3h", "<none>")),
                new Row("a pending load balancer", type("", "services"), new ServiceBuilder()
                        .withMetadata(meta("lb", "default")).withNewSpec().withType("LoadBalancer")
                        .withClusterIP("10.96.0.12").addNewPort().withPort(443).withNodePort(31443).withProtocol("TCP")
                        .endPort().endSpec().build(), null,
                        List.of("lb", "LoadBalancer", "10.96.0.12", "<pending>", "443:31443/TCP", "2d3h", "<none>")),
                new Row("an external name service without ports", type("", "services"), new ServiceBuilder()
                        .withMetadata(meta("db", "default")).withNewSpec().withType("ExternalName")
                        .withExternalName("db.example.com").endSpec().build(), null,
                        List.of("db", "ExternalName", "<none>", "db.example.com", "<none>", "2d3h", "<none>")),
                new Row("a deployment", type("apps", "deployments"), new DeploymentBuilder()
                        .withMetadata(meta("web", "default")).withNewSpec().withReplicas(3).withNewSelector()
                        .withMatchLabels(Map.of("app", "web")).endSelector().withNewTemplate().withNewSpec()
                        .addNewContainer().withName("app").withImage("nginx").endContainer()
                        .addNewContainer().withName("log").withImage("fluentbit").endContainer().endSpec()
                        .endTemplate().endSpec().withNewStatus().withReadyReplicas(2).withUpdatedReplicas(3)
                        .withAvailableReplicas(2).endStatus().build(),
                        List.of("Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"),
                        List.of("web", "2/3", 3L, 2L, "2d3h", "app,log", "nginx,fluentbit", "app=web")),
                new Row("a replica set", type("apps", "replicasets"), new ReplicaSetBuilder()
                        .withMetadata(meta("web-5d4f", "default")).withNewSpec().withReplicas(3).withNewSelector()
                        .withMatchLabels(Map.of("app", "web")).endSelector().endSpec()
                        .withNewStatus().withReplicas(3).withReadyReplicas(1).endStatus().build(),
                        List.of("Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"),
                        List.of("web-5d4f", 3L, 3L, 1L, "2d3h", "", "", "app=web")),
                new Row("a namespace", type("", "namespaces"), new NamespaceBuilder().withMetadata(meta("team-a", null))
                        .withNewStatus().withPhase("Active").endStatus().build(),
                        List.of("Name", "Status", "Age"), List.of("team-a", "Active", "2d3h")),
                new Row("a config map counts data and binary data", type("", "configmaps"), new ConfigMapBuilder()
                        .withMetadata(meta("cfg", "default")).withData(Map.of("a", "1", "b", "2"))
                        .withBinaryData(Map.of("c", "AA==")).build(),
                        List.of("Name", "Data", "Age"), List.of("cfg", 3L, "2d3h")),
                new Row("a secret", type("", "secrets"), new SecretBuilder().withMetadata(meta("tls", "default"))
                        .withType("kubernetes.io/tls").withData(Map.of("tls.crt", "eA==", "tls.key", "eA==")).build(),
                        List.of("Name", "Type", "Data", "Age"), List.of("tls", "kubernetes.io/tls", 2L, "2d3h")),
                new Row("a service account", type("", "serviceaccounts"), new ServiceAccountBuilder()
                        .withMetadata(meta("default", "default")).build(),
                        List.of("Name", "Secrets", "Age"), List.of("default", 0L, "2d3h")),
                new Row("endpoints beyond three are summarized", type("", "endpoints"), new EndpointsBuilder()
                        .withMetadata(meta("web", "default")).addNewSubset()
                        .addNewAddress().withIp("10.0.0.1").endAddress().addNewAddress().withIp("10.0.0.2").endAddress()
                        .addNewAddress().withIp("10.0.0.3").endAddress().addNewAddress().withIp("10.0.0.4").endAddress()
                        .addNewPort().withPort(80).endPort().endSubset().build(),
                        List.of("Name", "Endpoints", "Age"),
                        List.of("web", "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...", "2d3h")),
                new Row("endpoints without subsets", type("", "endpoints"), new EndpointsBuilder()
                        .withMetadata(meta("none", "default")).build(), null, List.of("none", "<none>", "2d3h")),
                new Row("an event", type("", "events"), new EventBuilder().withMetadata(meta("web.1", "default"))
                        .withNewInvolvedObject().withKind("Pod").withName("web").withFieldPath("spec.containers{app}")
                        .endInvolvedObject().withType("Warning").withReason("BackOff").withMessage(" Back-off ")
                        .withNewSource().withComponent("kubelet").withHost("node-1").endSource()
                        .withFirstTimestamp("2024-05-03T11:00:00Z").withLastTimestamp("2024-05-03T11:58:00Z")
                        .withCount(7).build(),
                        List.of("Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen",
                                "Count", "Name"),
                        List.of("2m", "Warning", "BackOff", "pod/web", "spec.containers{app}", "kubelet, node-1",
                                "Back-off", "60m", 7L, "web.1")),
                new Row("a lease shows its holder", type("coordination.k8s.io", "leases"), new LeaseBuilder()
                        .withMetadata(meta("node-1", "kube-node-lease")).withNewSpec().withHolderIdentity("node-1")
                        .endSpec().build(), List.of("Name", "Holder", "Age"), List.of("node-1", "node-1", "2d3h")),
                new Row("a priority class", type("scheduling.k8s.io", "priorityclasses"), new PriorityClassBuilder()
                        .withMetadata(meta("high", null)).withValue(1000).withGlobalDefault(true)
                        .withPreemptionPolicy("Never").build(),
                        List.of("Name", "Value", "Global-Default", "Age", "PreemptionPolicy"),
                        List.of("high", 1000L, true, "2d3h", "Never")),
                new Row("a role binding lists its subjects", type("rbac.authorization.k8s.io", "rolebindings"),
                        new RoleBindingBuilder().withMetadata(meta("read", "default")).withNewRoleRef()
                                .withKind("Role").withName("pod-reader").endRoleRef()
                                .addNewSubject().withKind("User").withName("jane").endSubject()
                                .addNewSubject().withKind("ServiceAccount").withName("builder").withNamespace("ci")
                                .endSubject().build(),
                        List.of("Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"),
                        List.of("read", "Role/pod-reader", "2d3h", "jane", "", "ci/builder")),
                new Row("a network policy shows its pod selector", type("networking.k8s.io", "networkpolicies"),
                        new NetworkPolicyBuilder().withMetadata(meta("db", "default")).withNewSpec().withNewPodSelector()
                                .withMatchLabels(Map.of("app", "db")).endPodSelector().endSpec().build(),
                        List.of("Name", "Pod-Selector", "Age"), List.of("db", "app=db", "2d3h")),
                new Row("a network policy for all pods", type("networking.k8s.io", "networkpolicies"),
                        new NetworkPolicyBuilder().withMetadata(meta("deny", "default")).withNewSpec()
                                .withNewPodSelector().endPodSelector().endSpec().build(), null,
                        List.of("deny", "<none>", "2d3h")),
                new Row("an endpoint slice", type("discovery.k8s.io", "endpointslices"), new EndpointSliceBuilder()
                        .withMetadata(meta("web-abc", "default")).withAddressType("IPv4")
                        .addNewEndpoint().withAddresses("10.0.0.1").endEndpoint()
                        .addNewEndpoint().withAddresses("10.0.0.2").endEndpoint()
                        .addNewPort().withPort(8080).endPort().addNewPort().withName("metrics").endPort().build(),
                        List.of("Name", "AddressType", "Ports", "Endpoints", "Age"),
                        List.of("web-abc", "IPv4", "8080,metrics", "10.0.0.1,10.0.0.2", "2d3h")),
                new Row("a resource quota splits requests and limits", type("", "resourcequotas"),
                        new ResourceQuotaBuilder().withMetadata(meta("compute", "default")).withNewStatus()
                                .withHard(Map.of("pods", new Quantity("10"), "limits.cpu", new Quantity("4"),
                                        "requests.cpu", new Quantity("2")))
                                .withUsed(Map.of("pods", new Quantity("3"), "requests.cpu", new Quantity("500m")))
                                .endStatus().build(),
                        List.of("Name", "Request", "Limit", "Age"),
                        List.of("compute", "pods: 3/10, requests.cpu: 500m/2", "limits.cpu: 0/4", "2d3h")),
                new Row("a role has Kubernetes' default columns", type("rbac.authorization.k8s.io", "roles"),
                        new RoleBuilder().withMetadata(meta("pod-reader", "default")).build(),
                        List.of("Name", "Created At"), List.of("pod-reader", "2024-05-01T09:00:00Z")),
                new Row("a limit range has Kubernetes' default columns", type("", "limitranges"),
                        new LimitRangeBuilder().withMetadata(meta("limits", "default")).build(),
                        List.of("Name", "Created At"), List.of("limits", "2024-05-01T09:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void renders_rows_as_kubectl_users_know_them(Row r) {
        TableConvertor convertor = TableConvertor.forType(r.type());
        if (r.columns() != null) {
            assertThat(convertor.columns()).extracting(c -> c.getName()).containsExactlyElementsOf(r.columns());
        }
        assertThat(convertor.cells(r.object(), NOW)).containsExactlyElementsOf(r.cells());
        assertThat(convertor.columns()).hasSameSizeAs(r.cells());
    }

    record Types(ResourceType type) {
        @Override
        public String toString() {
            return type.resource() + " have one cell per column";
        }
    }

    static Stream<Types> everyType() {
        return ResourceRegistry.builtIn().all().stream().map(Types::new);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyType")
    void every_served_resource_renders_an_empty_object(Types t) throws Exception {
        HasMetadata empty = t.type().type().getDeclaredConstructor().newInstance();
        empty.setMetadata(meta("x", t.type().namespaced() ? "default" : null));
        TableConvertor convertor = TableConvertor.forType(t.type());
        assertThat(convertor.cells(empty, NOW)).hasSameSizeAs(convertor.columns()).contains("x");
    }

}
