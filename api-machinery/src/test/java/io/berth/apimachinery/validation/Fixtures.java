package io.berth.apimachinery.validation;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A valid object of every validated kind, built fresh on each call, and a way to derive broken ones. */
final class Fixtures {

    private Fixtures() {
    }

    static ResourceType type(String resource) {
        return ResourceRegistry.builtIn().all().stream().filter(t -> t.resource().equals(resource)).findFirst()
                .orElseThrow();
    }

    /** A supplier of the base object changed by {@code change}. */
    static <T extends HasMetadata> Supplier<HasMetadata> with(Supplier<T> base, Consumer<T> change) {
        return () -> {
            T obj = base.get();
            change.accept(obj);
            return obj;
        };
    }

    static PodSpec podSpec() {
        return new PodSpecBuilder()
                .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
                .addToContainers(new ContainerBuilder().withName("app").withImage("nginx:1.27")
                        .addNewPort().withContainerPort(80).withProtocol("TCP").endPort()
                        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
                        .addNewEnv().withName("MODE").withValue("prod").endEnv()
                        .withNewResources().withRequests(Map.of("cpu", new Quantity("500m")))
                        .withLimits(Map.of("cpu", new Quantity("1"))).endResources()
                        .build())
                .build();
    }

    static Pod pod() {
        return new PodBuilder().withNewMetadata().withName("web").withNamespace("default")
                .withLabels(Map.of("app", "web")).endMetadata().withSpec(podSpec()).build();
    }

    static Service service() {
        return new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().withSelector(Map.of("app", "web"))
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080)).withProtocol("TCP")
                .endPort().endSpec().build();
    }

    static Deployment deployment() {
        return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().withMatchLabels(Map.of("app", "web")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "web")).endMetadata()
                .withSpec(podSpec()).endTemplate().endSpec().build();
    }

    static ReplicaSet replicaSet() {
        return new ReplicaSetBuilder().withNewMetadata().withName("web-5d4f").withNamespace("default").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().withMatchLabels(Map.of("app", "web")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "web")).endMetadata()
                .withSpec(podSpec()).endTemplate().endSpec().build();
    }

    static ConfigMap configMap() {
        return new ConfigMapBuilder().withNewMetadata().withName("settings").withNamespace("default").endMetadata()
                .withData(Map.of("app.properties", "a=1", "MODE", "prod")).build();
    }

    static Secret secret() {
        return new SecretBuilder().withNewMetadata().withName("creds").withNamespace("default").endMetadata()
                .withType("Opaque").withData(Map.of("password", "c2VjcmV0")).build();
    }

    static Namespace namespace() {
        return new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build();
    }

    static Node node() {
        return new NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
                .withNewSpec().withPodCIDRs("10.244.1.0/24").addNewTaint().withKey("dedicated").withValue("gpu")
                .withEffect("NoSchedule").endTaint().endSpec().build();
    }

    static Lease lease() {
        return new LeaseBuilder().withNewMetadata().withName("node-1").withNamespace("kube-node-lease").endMetadata()
                .withNewSpec().withHolderIdentity("node-1").withLeaseDurationSeconds(40).endSpec().build();
    }

    static PriorityClass priorityClass() {
        return new PriorityClassBuilder().withNewMetadata().withName("high").endMetadata().withValue(1000)
                .withPreemptionPolicy("PreemptLowerPriority").build();
    }

    static Role role() {
        return new RoleBuilder().withNewMetadata().withName("pod-reader").withNamespace("default").endMetadata()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list").endRule().build();
    }

    static ClusterRole clusterRole() {
        return new ClusterRoleBuilder().withNewMetadata().withName("system:health").endMetadata()
                .addNewRule().withNonResourceURLs("/healthz").withVerbs("get").endRule().build();
    }

    static RoleBinding roleBinding() {
        return new RoleBindingBuilder().withNewMetadata().withName("read-pods").withNamespace("default").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("pod-reader")
                .endRoleRef()
                .addNewSubject().withKind("User").withName("jane").endSubject()
                .addNewSubject().withKind("ServiceAccount").withName("builder").endSubject()
                .build();
    }

    static ClusterRoleBinding clusterRoleBinding() {
        return new ClusterRoleBindingBuilder().withNewMetadata().withName("admins").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName("cluster-admin").endRoleRef()
                .addNewSubject().withKind("Group").withApiGroup("rbac.authorization.k8s.io").withName("system:masters")
                .endSubject()
                .addNewSubject().withKind("ServiceAccount").withName("ci").withNamespace("tools").endSubject()
                .build();
    }

    static NetworkPolicy networkPolicy() {
        return new NetworkPolicyBuilder().withNewMetadata().withName("db").withNamespace("default").endMetadata()
                .withNewSpec().withNewPodSelector().withMatchLabels(Map.of("app", "db")).endPodSelector()
                .addNewIngress().addNewFrom().withNewPodSelector().withMatchLabels(Map.of("app", "web"))
                .endPodSelector().endFrom()
                .addNewFrom().withNewIpBlock().withCidr("10.0.0.0/8").withExcept("10.1.0.0/16").endIpBlock().endFrom()
                .addNewPort().withProtocol("TCP").withPort(new IntOrString(5432)).endPort().endIngress()
                .withPolicyTypes("Ingress").endSpec().build();
    }

    static ResourceQuota resourceQuota() {
        return new ResourceQuotaBuilder().withNewMetadata().withName("compute").withNamespace("default").endMetadata()
                .withNewSpec().withHard(Map.of("pods", new Quantity("10"), "requests.cpu", new Quantity("4"),
                        "limits.memory", new Quantity("8Gi"), "count/deployments.apps", new Quantity("5")))
                .endSpec().build();
    }

    static LimitRange limitRange() {
        return new LimitRangeBuilder().withNewMetadata().withName("limits").withNamespace("default").endMetadata()
                .withNewSpec().addNewLimit().withType("Container").withMax(Map.of("cpu", new Quantity("2")))
                .withMin(Map.of("cpu", new Quantity("100m"))).withDefault(Map.of("cpu", new Quantity("500m")))
                .endLimit().endSpec().build();
    }

    static Endpoints endpoints() {
        return new EndpointsBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .addNewSubset().addNewAddress().withIp("10.244.1.5").endAddress()
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().endSubset().build();
    }

    static EndpointSlice endpointSlice() {
        return new EndpointSliceBuilder().withNewMetadata().withName("web-abc12").withNamespace("default").endMetadata()
                .withAddressType("IPv4").addNewEndpoint().withAddresses("10.244.1.5").endEndpoint()
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build();
    }

    static Event event() {
        return new EventBuilder().withNewMetadata().withName("web.17a3b2").withNamespace("default").endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName("web").withNamespace("default").endInvolvedObject()
                .withReason("Started").withType("Normal").withMessage("Started container app").build();
    }

    static ServiceAccount serviceAccount() {
        return new ServiceAccountBuilder().withNewMetadata().withName("builder").withNamespace("default")
                .endMetadata().build();
    }
}
