package io.berth.apiserver.protobuf;

import com.google.protobuf.ByteString;
import io.berth.apimachinery.json.Json;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.apiserver.protobuf.Envelopes.dynamic;
import static io.berth.apiserver.protobuf.Envelopes.envelope;
import static io.berth.apiserver.protobuf.Envelopes.goObjectMeta;
import static org.assertj.core.api.Assertions.assertThat;

class ProtobufBodiesTest {

    /** A protobuf body and the JSON Kubernetes would write for the same object. */
    record Case(String name, byte[] body, String json) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final long NOV_27_2026_20H = Instant.parse("2026-11-27T20:00:00Z").getEpochSecond();

    static Stream<Case> objects() {
        return Stream.of(
                new Case("a Namespace as Go writes it (empty strings, zero generation and zero Time left out)",
                        envelope("v1", "Namespace", V1.Namespace.newBuilder()
                                .setMetadata(goObjectMeta("demo", "").putLabels("team", "a").putLabels("empty", ""))
                                .setSpec(V1.NamespaceSpec.getDefaultInstance())
                                .setStatus(V1.NamespaceStatus.newBuilder().setPhase(""))
                                .build()),
                        """
                        {"apiVersion": "v1", "kind": "Namespace",
                         "metadata": {"name": "demo", "labels": {"team": "a", "empty": ""}},
                         "spec": {}, "status": {}}"""),
                new Case("a ConfigMap with data and base64 binaryData",
                        envelope("v1", "ConfigMap", V1.ConfigMap.newBuilder()
                                .setMetadata(Meta.ObjectMeta.newBuilder().setName("settings").setNamespace("default"))
                                .putData("a", "b").putData("blank", "")
                                .putBinaryData("bin", ByteString.copyFrom(new byte[] {0, 1, (byte) 0xff}))
                                .build()),
                        """
                        {"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": {"name": "settings", "namespace": "default"},
                         "data": {"a": "b", "blank": ""}, "binaryData": {"bin": "AAH/"}}"""),
                new Case("a Secret whose bytes become base64 and whose immutable false stays",
                        envelope("v1", "Secret", V1.Secret.newBuilder()
                                .setMetadata(Meta.ObjectMeta.newBuilder().setName("db"))
                                .setType("Opaque").setImmutable(false)
                                .putData("password", ByteString.copyFromUtf8("s3cr3t"))
                                .putData("none", ByteString.EMPTY)
                                .build()),
                        """
                        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "immutable": false,
                         "type": "Opaque", "data": {"password": "czNjcjN0", "none": ""}}"""),
                new Case("a Deployment with quantities, IntOrStrings, a pointer's zero kept and Go's zeros left out",
                        envelope("apps/v1", "Deployment", deployment()),
                        """
                        {"apiVersion": "apps/v1", "kind": "Deployment",
                         "metadata": {"name": "web", "namespace": "default"},
                         "spec": {"replicas": 3, "revisionHistoryLimit": 0,
                          "selector": {"matchLabels": {"app": "web"}},
                          "template": {"metadata": {"labels": {"app": "web"}},
                           "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "env": [{"name": "A", "value": "1"},
                                    {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                            "resources": {"limits": {"cpu": "500m", "memory": "128Mi"},
                                          "requests": {"cpu": "250m"}}}]}},
                          "strategy": {"type": "RollingUpdate",
                           "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}}}}"""),
                new Case("a Pod with a creationTimestamp, securityContext zeros and managed fields",
                        envelope("v1", "Pod", pod()),
                        """
                        {"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": "p", "namespace": "default",
                          "creationTimestamp": "2026-11-27T20:00:00Z",
                          "managedFields": [{"manager": "kubectl", "operation": "Update", "apiVersion": "v1",
                            "time": "2026-11-27T20:00:00Z", "fieldsType": "FieldsV1",
                            "fieldsV1": {"f:metadata": {"f:labels": {}}}}]},
                         "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "3600"],
                           "securityContext": {"runAsUser": 0, "allowPrivilegeEscalation": false}}],
                          "terminationGracePeriodSeconds": 0, "nodeSelector": {"disk": "ssd"},
                          "automountServiceAccountToken": false,
                          "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoExecute",
                            "tolerationSeconds": 30}]}}"""),
                new Case("a Lease with MicroTimes (a schema the Java client lacks)",
                        envelope("coordination.k8s.io/v1", "Lease", lease()),
                        """
                        {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                         "metadata": {"name": "node-1", "namespace": "kube-node-lease"},
                         "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40,
                          "acquireTime": "2026-11-27T20:00:00.000000Z",
                          "renewTime": "2026-11-27T20:00:05.123456Z", "leaseTransitions": 0}}"""),
                new Case("an EndpointSlice with a map inside a list (a schema the Java client lacks)",
                        envelope("discovery.k8s.io/v1", "EndpointSlice", endpointSlice()),
                        """
                        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                         "metadata": {"name": "web-abc"},
                         "endpoints": [{"addresses": ["10.244.0.5"], "conditions": {"ready": true},
                           "deprecatedTopology": {"zone": "a"}}],
                         "ports": [{"name": "http", "protocol": "TCP", "port": 80}], "addressType": "IPv4"}"""),
                new Case("a SelfSubjectAccessReview with resource attributes",
                        envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview",
                                V1Authorization.SelfSubjectAccessReview.newBuilder()
                                        .setMetadata(goObjectMeta("", ""))
                                        .setSpec(V1Authorization.SelfSubjectAccessReviewSpec.newBuilder()
                                                .setResourceAttributes(V1Authorization.ResourceAttributes.newBuilder()
                                                        .setNamespace("default").setVerb("create").setGroup("")
                                                        .setResource("pods")))
                                        .build()),
                        """
                        {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                         "metadata": {},
                         "spec": {"resourceAttributes": {"namespace": "default", "verb": "create",
                          "resource": "pods"}}}"""),
                new Case("a SelfSubjectReview whose extra values unwrap to arrays",
                        envelope("authentication.k8s.io/v1", "SelfSubjectReview",
                                V1Authentication.SelfSubjectReview.newBuilder()
                                        .setMetadata(Meta.ObjectMeta.getDefaultInstance())
                                        .setStatus(V1Authentication.SelfSubjectReviewStatus.newBuilder()
                                                .setUserInfo(V1Authentication.UserInfo.newBuilder()
                                                        .setUsername("alice").addGroups("dev")
                                                        .putExtra("scopes", V1Authentication.ExtraValue.newBuilder()
                                                                .addItems("read").addItems("write").build())))
                                        .build()),
                        """
                        {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview", "metadata": {},
                         "status": {"userInfo": {"username": "alice", "groups": ["dev"],
                          "extra": {"scopes": ["read", "write"]}}}}"""),
                new Case("DeleteOptions with a zero grace period and preconditions",
                        envelope("v1", "DeleteOptions", deleteOptions()),
                        """
                        {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0,
                         "preconditions": {"uid": "u-1", "resourceVersion": "42"},
                         "propagationPolicy": "Foreground", "dryRun": ["All"]}"""),
                new Case("DeleteOptions of another group version",
                        envelope("apps/v1", "DeleteOptions", Meta.DeleteOptions.newBuilder()
                                .setGracePeriodSeconds(30).build()),
                        """
                        {"apiVersion": "apps/v1", "kind": "DeleteOptions", "gracePeriodSeconds": 30}"""),
                new Case("DeleteOptions of meta.k8s.io/v1",
                        envelope("meta.k8s.io/v1", "DeleteOptions", Meta.DeleteOptions.newBuilder()
                                .setOrphanDependents(true).build()),
                        """
                        {"apiVersion": "meta.k8s.io/v1", "kind": "DeleteOptions", "orphanDependents": true}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objects")
    void decodesTheObjectIntoTheJsonKubernetesWouldWrite(Case c) {
        JsonNode tree = ProtobufBodies.decode(c.body());

        assertThat(normalized(tree)).isEqualTo(Json.tree(c.json().getBytes()));
    }

    @Test
    void putsApiVersionAndKindFirst() {
        JsonNode tree = ProtobufBodies.decode(objects().findFirst().orElseThrow().body());

        assertThat(tree.propertyNames()).startsWith("apiVersion", "kind");
    }

    @Test
    void recognisesKubernetesProtobufMediaTypeWithOrWithoutParameters() {
        assertThat(ProtobufBodies.isProtobuf("application/vnd.kubernetes.protobuf")).isTrue();
        assertThat(ProtobufBodies.isProtobuf("Application/Vnd.Kubernetes.Protobuf; charset=binary")).isTrue();
        assertThat(ProtobufBodies.isProtobuf("application/json")).isFalse();
        assertThat(ProtobufBodies.isProtobuf("application/vnd.kubernetes.protobuf+json")).isFalse();
        assertThat(ProtobufBodies.isProtobuf(null)).isFalse();
    }

    /** int64 fields are LongNodes; parsed JSON picks the smallest integer node, so compare through text. */
    static JsonNode normalized(JsonNode tree) {
        return Json.tree(Json.write(tree));
    }

    private static V1Apps.Deployment deployment() {
        V1.Container container = V1.Container.newBuilder()
                .setName("web").setImage("nginx:1.27")
                .addPorts(V1.ContainerPort.newBuilder().setContainerPort(80).setProtocol("TCP"))
                .addEnv(V1.EnvVar.newBuilder().setName("A").setValue("1"))
                .addEnv(V1.EnvVar.newBuilder().setName("POD").setValueFrom(V1.EnvVarSource.newBuilder()
                        .setFieldRef(V1.ObjectFieldSelector.newBuilder().setFieldPath("metadata.name"))))
                .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("cpu", quantity("500m")).putLimits("memory", quantity("128Mi"))
                        .putRequests("cpu", quantity("250m")))
                .build();
        return V1Apps.Deployment.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("web").setNamespace("default"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder()
                        .setReplicas(3).setRevisionHistoryLimit(0).setMinReadySeconds(0).setPaused(false)
                        .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
                        .setTemplate(V1.PodTemplateSpec.newBuilder()
                                .setMetadata(Meta.ObjectMeta.newBuilder().putLabels("app", "web"))
                                .setSpec(V1.PodSpec.newBuilder().addContainers(container)))
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("RollingUpdate")
                                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                                        .setMaxUnavailable(IntStr.IntOrString.newBuilder().setType(0).setIntVal(1))
                                        .setMaxSurge(IntStr.IntOrString.newBuilder().setType(1).setStrVal("25%")))))
                .build();
    }

    private static Resource.Quantity quantity(String value) {
        return Resource.Quantity.newBuilder().setString(value).build();
    }

    private static V1.Pod pod() {
        Meta.Time created = Meta.Time.newBuilder().setSeconds(NOV_27_2026_20H).build();
        return V1.Pod.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("p").setNamespace("default")
                        .setCreationTimestamp(created)
                        .addManagedFields(Meta.ManagedFieldsEntry.newBuilder()
                                .setManager("kubectl").setOperation("Update").setApiVersion("v1").setTime(created)
                                .setFieldsType("FieldsV1").setFieldsV1(Meta.FieldsV1.newBuilder()
                                        .setRaw(ByteString.copyFromUtf8("{\"f:metadata\":{\"f:labels\":{}}}")))))
                .setSpec(V1.PodSpec.newBuilder()
                        .addContainers(V1.Container.newBuilder().setName("c").setImage("busybox")
                                .addCommand("sleep").addCommand("3600")
                                .setSecurityContext(V1.SecurityContext.newBuilder()
                                        .setRunAsUser(0).setAllowPrivilegeEscalation(false)))
                        .setTerminationGracePeriodSeconds(0)
                        .putNodeSelector("disk", "ssd")
                        .setAutomountServiceAccountToken(false).setHostNetwork(false)
                        .addTolerations(V1.Toleration.newBuilder().setKey("k").setOperator("Exists")
                                .setEffect("NoExecute").setTolerationSeconds(30)))
                .build();
    }

    private static com.google.protobuf.Message lease() {
        var leaseType = ProtobufSchemas.find("coordination.k8s.io/v1", "Lease").orElseThrow();
        var specType = leaseType.findFieldByName("spec").getMessageType();
        return dynamic(leaseType,
                "metadata", Meta.ObjectMeta.newBuilder().setName("node-1").setNamespace("kube-node-lease").build(),
                "spec", dynamic(specType,
                        "holderIdentity", "node-1",
                        "leaseDurationSeconds", 40,
                        "acquireTime", Meta.MicroTime.newBuilder().setSeconds(NOV_27_2026_20H).setNanos(0).build(),
                        "renewTime", Meta.MicroTime.newBuilder().setSeconds(NOV_27_2026_20H + 5)
                                .setNanos(123_456_789).build(),
                        "leaseTransitions", 0));
    }

    private static com.google.protobuf.Message endpointSlice() {
        var sliceType = ProtobufSchemas.find("discovery.k8s.io/v1", "EndpointSlice").orElseThrow();
        var endpointType = sliceType.findFieldByName("endpoints").getMessageType();
        var conditionsType = endpointType.findFieldByName("conditions").getMessageType();
        var portType = sliceType.findFieldByName("ports").getMessageType();
        return dynamic(sliceType,
                "metadata", Meta.ObjectMeta.newBuilder().setName("web-abc").build(),
                "addressType", "IPv4",
                "endpoints", List.of(dynamic(endpointType,
                        "addresses", List.of("10.244.0.5"),
                        "conditions", dynamic(conditionsType, "ready", true),
                        "deprecatedTopology", Map.of("zone", "a"))),
                "ports", List.of(dynamic(portType, "name", "http", "protocol", "TCP", "port", 80)));
    }

    private static Meta.DeleteOptions deleteOptions() {
        return Meta.DeleteOptions.newBuilder()
                .setGracePeriodSeconds(0)
                .setPreconditions(Meta.Preconditions.newBuilder().setUid("u-1").setResourceVersion("42"))
                .setPropagationPolicy("Foreground")
                .addDryRun("All")
                .build();
    }
}
