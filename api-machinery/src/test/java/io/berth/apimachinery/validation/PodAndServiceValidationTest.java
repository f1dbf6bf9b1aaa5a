package io.berth.apimachinery.validation;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.apimachinery.validation.Fixtures.pod;
import static io.berth.apimachinery.validation.Fixtures.service;
import static io.berth.apimachinery.validation.Fixtures.with;

class PodAndServiceValidationTest {

    static final String INVALID = "FieldValueInvalid";
    static final String REQUIRED = "FieldValueRequired";
    static final String DUPLICATE = "FieldValueDuplicate";
    static final String NOT_SUPPORTED = "FieldValueNotSupported";
    static final String FORBIDDEN = "FieldValueForbidden";
    static final String NOT_FOUND = "FieldValueNotFound";
    static final String TOO_LONG = "FieldValueTooLong";

    static Stream<Case> metadata() {
        return Stream.of(
                Case.exactly("an object needs a name", "pods", with(Fixtures::pod, p -> p.getMetadata().setName(null)),
                        "metadata.name", REQUIRED, "Required value: name or generateName is required"),
                Case.of("a pod name must be a lowercase subdomain", "pods",
                        with(Fixtures::pod, p -> p.getMetadata().setName("Web_1")), "metadata.name", INVALID),
                Case.of("a namespaced object needs a namespace", "pods",
                        with(Fixtures::pod, p -> p.getMetadata().setNamespace(null)), "metadata.namespace", REQUIRED),
                Case.exactly("a cluster-scoped object may not have a namespace", "nodes",
                        with(Fixtures::node, n -> n.getMetadata().setNamespace("default")), "metadata.namespace",
                        FORBIDDEN, "Forbidden: not allowed on this type"),
                Case.exactly("a namespace name is a label and may not contain dots", "namespaces",
                        with(Fixtures::namespace, n -> n.getMetadata().setName("team.a")), "metadata.name", INVALID,
                        "Invalid value: \"team.a\": must not contain dots"),
                Case.of("a service name must start with a letter", "services",
                        with(Fixtures::service, s -> s.getMetadata().setName("1web")), "metadata.name", INVALID),
                Case.exactly("a role name may not contain a slash", "roles",
                        with(Fixtures::role, r -> r.getMetadata().setName("a/b")), "metadata.name", INVALID,
                        "Invalid value: \"a/b\": may not contain '/'"),
                Case.of("a generateName prefix follows the name rule", "pods",
                        with(Fixtures::pod, p -> p.getMetadata().setGenerateName("Web-")), "metadata.generateName",
                        INVALID),
                Case.of("a label key must be a qualified name", "pods",
                        with(Fixtures::pod, p -> p.getMetadata().setLabels(Map.of("-bad", "x"))), "metadata.labels",
                        INVALID),
                Case.of("a label value is at most 63 characters", "pods",
                        with(Fixtures::pod, p -> p.getMetadata().setLabels(Map.of("a", "x".repeat(64)))),
                        "metadata.labels", INVALID),
                Case.exactly("annotations are at most 256 KiB in total", "pods",
                        with(Fixtures::pod, p -> p.getMetadata().setAnnotations(Map.of("big", "x".repeat(262_142)))),
                        "metadata.annotations", TOO_LONG, "Too long: may not be more than 262144 bytes"),
                Case.of("a finalizer must be a qualified name", "pods",
                        with(Fixtures::pod, p -> p.getMetadata().setFinalizers(List.of("a/b/c"))),
                        "metadata.finalizers", INVALID),
                Case.exactly("an owner reference needs a uid", "pods",
                        with(Fixtures::pod, p -> p.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
                                .withApiVersion("apps/v1").withKind("ReplicaSet").withName("web").build()))),
                        "metadata.ownerReferences.uid", INVALID, "Invalid value: \"\": must not be empty"),
                Case.exactly("an owner reference needs a version", "pods",
                        with(Fixtures::pod, p -> p.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
                                .withApiVersion("apps/").withKind("ReplicaSet").withName("web").withUid("u").build()))),
                        "metadata.ownerReferences.apiVersion", INVALID,
                        "Invalid value: \"apps/\": version must not be empty"));
    }

    static Stream<Case> pods() {
        return Stream.of(
                Case.exactly("a pod needs a container", "pods",
                        with(Fixtures::pod, p -> p.getSpec().setContainers(List.of())), "spec.containers", REQUIRED,
                        "Required value"),
                Case.of("a container name is a DNS label", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getContainers().get(0).setName("App")),
                        "spec.containers[0].name", INVALID),
                Case.exactly("init and regular containers share one name space", "pods",
                        with(Fixtures::pod, p -> p.getSpec().setInitContainers(List.of(new ContainerBuilder()
                                .withName("app").withImage("busybox").build()))),
                        "spec.initContainers[0].name", DUPLICATE, "Duplicate value: \"app\""),
                Case.of("a container needs an image", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getContainers().get(0).setImage(null)),
                        "spec.containers[0].image", REQUIRED),
                Case.of("a container port is required", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getContainers().get(0).getPorts().get(0)
                                .setContainerPort(0)), "spec.containers[0].ports[0].containerPort", REQUIRED),
                Case.exactly("a container port is at most 65535", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getContainers().get(0).getPorts().get(0)
                                .setContainerPort(70000)), "spec.containers[0].ports[0].containerPort", INVALID,
                        "Invalid value: 70000: must be between 1 and 65535, inclusive"),
                Case.exactly("a port protocol is TCP, UDP or SCTP", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getContainers().get(0).getPorts().get(0)
                                .setProtocol("HTTP")), "spec.containers[0].ports[0].protocol", NOT_SUPPORTED,
                        "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
                Case.exactly("the restart policy is Always, OnFailure or Never", "pods",
                        with(Fixtures::pod, p -> p.getSpec().setRestartPolicy("Sometimes")), "spec.restartPolicy",
                        NOT_SUPPORTED, "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\","
                                + " \"Never\""),
                Case.exactly("a request may not exceed its limit", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getContainers().get(0).getResources()
                                .setRequests(Map.of("cpu", new Quantity("2")))),
                        "spec.containers[0].resources.requests", INVALID,
                        "Invalid value: \"2\": must be less than or equal to cpu limit of 1"),
                Case.exactly("a quantity may not be negative", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getContainers().get(0).getResources()
                                .setRequests(Map.of("memory", new Quantity("-1Gi")))),
                        "spec.containers[0].resources.requests[memory]", INVALID,
                        "Invalid value: \"-1Gi\": must be greater than or equal to 0"),
                Case.of("volume names are unique", "pods", with(Fixtures::pod, p -> {
                    List<Volume> volumes = new ArrayList<>(p.getSpec().getVolumes());
                    volumes.add(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build());
                    p.getSpec().setVolumes(volumes);
                }), "spec.volumes[1].name", DUPLICATE),
                Case.exactly("a volume needs a source", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getVolumes().get(0).setEmptyDir(null)),
                        "spec.volumes[0]", REQUIRED, "Required value: must specify a volume type"),
                Case.exactly("a volume mount names an existing volume", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getContainers().get(0).getVolumeMounts().get(0)
                                .setName("cache")), "spec.containers[0].volumeMounts[0].name", NOT_FOUND,
                        "Not found: \"cache\""),
                Case.of("the DNS policy is one Kubernetes knows", "pods",
                        with(Fixtures::pod, p -> p.getSpec().setDnsPolicy("Sometimes")), "spec.dnsPolicy",
                        NOT_SUPPORTED),
                Case.of("an environment variable name may not contain '='", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getContainers().get(0)
                                .setEnv(List.of(new EnvVar("A=B", "1", null)))),
                        "spec.containers[0].env[0].name", INVALID),
                Case.exactly("only init containers have a restart policy", "pods",
                        with(Fixtures::pod, p -> p.getSpec().getContainers().get(0).setRestartPolicy("Always")),
                        "spec.containers[0].restartPolicy", FORBIDDEN,
                        "Forbidden: may not be set for non-init containers"));
    }

    static Stream<Case> services() {
        return Stream.of(
                Case.of("a cluster IP service needs a port", "services",
                        with(Fixtures::service, s -> s.getSpec().setPorts(List.of())), "spec.ports", REQUIRED),
                Case.of("an ExternalName service needs its external name", "services", with(Fixtures::service, s -> {
                    s.getSpec().setType("ExternalName");
                    s.getSpec().setPorts(List.of());
                }), "spec.externalName", REQUIRED),
                Case.exactly("a service port is between 1 and 65535", "services",
                        with(Fixtures::service, s -> s.getSpec().getPorts().get(0).setPort(0)), "spec.ports[0].port",
                        INVALID, "Invalid value: 0: must be between 1 and 65535, inclusive"),
                Case.of("ports need names when there are several", "services", with(Fixtures::service, s ->
                        s.getSpec().setPorts(List.of(new ServicePortBuilder().withPort(80).build(),
                                new ServicePortBuilder().withPort(443).build()))), "spec.ports[0].name", REQUIRED),
                Case.of("port names are unique", "services", with(Fixtures::service, s ->
                        s.getSpec().setPorts(List.of(new ServicePortBuilder().withName("a").withPort(80).build(),
                                new ServicePortBuilder().withName("a").withPort(443).build()))), "spec.ports[1].name",
                        DUPLICATE),
                Case.exactly("the service type is one Kubernetes knows", "services",
                        with(Fixtures::service, s -> s.getSpec().setType("Bogus")), "spec.type", NOT_SUPPORTED,
                        "Unsupported value: \"Bogus\": supported values: \"ClusterIP\", \"ExternalName\","
                                + " \"LoadBalancer\", \"NodePort\""),
                Case.of("a named target port is a valid port name", "services",
                        with(Fixtures::service, s -> s.getSpec().getPorts().get(0).setTargetPort(new IntOrString("HTTP"))),
                        "spec.ports[0].targetPort", INVALID),
                Case.exactly("a ClusterIP service has no node port", "services",
                        with(Fixtures::service, s -> s.getSpec().getPorts().get(0).setNodePort(30080)),
                        "spec.ports[0].nodePort", FORBIDDEN, "Forbidden: may not be used when `type` is 'ClusterIP'"),
                Case.of("a cluster IP is an IP address", "services",
                        with(Fixtures::service, s -> s.getSpec().setClusterIP("10.96.0.300")), "spec.clusterIPs[0]",
                        INVALID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("metadata")
    void metadata_is_validated_as_kubernetes_does(Case c) {
        c.assertReported(ObjectValidator.validate(Fixtures.type(c.resource()), c.object().get()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void pods_are_validated_as_kubernetes_does(Case c) {
        c.assertReported(ObjectValidator.validate(Fixtures.type(c.resource()), c.object().get()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void services_are_validated_as_kubernetes_does(Case c) {
        c.assertReported(ObjectValidator.validate(Fixtures.type(c.resource()), c.object().get()));
    }

    record Valid(String description, String resource, java.util.function.Supplier<io.fabric8.kubernetes.api.model.HasMetadata> object) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Valid> validVariants() {
        return Stream.of(
                new Valid("a headless service needs no port", "services", with(Fixtures::service, s -> {
                    s.getSpec().setClusterIP("None");
                    s.getSpec().setPorts(List.of());
                })),
                new Valid("an ExternalName service with a trailing dot", "services", with(Fixtures::service, s -> {
                    s.getSpec().setType("ExternalName");
                    s.getSpec().setExternalName("db.example.com.");
                    s.getSpec().setPorts(List.of());
                })),
                new Valid("a generated pod name with its prefix", "pods", with(Fixtures::pod, p -> {
                    p.getMetadata().setGenerateName("web-");
                    p.getMetadata().setName("web-x7k2p");
                })),
                new Valid("an RBAC name with colons", "roles",
                        with(Fixtures::role, r -> r.getMetadata().setName("system:aggregate-to-view"))),
                new Valid("a sidecar init container with probes", "pods", with(Fixtures::pod, p ->
                        p.getSpec().setInitContainers(List.of(new ContainerBuilder().withName("proxy")
                                .withImage("envoy").withRestartPolicy("Always").withNewReadinessProbe().withNewTcpSocket()
                                .withPort(new IntOrString(15000)).endTcpSocket().endReadinessProbe().build())))));
    }

    @ParameterizedTest(name = "{0} is valid")
    @MethodSource("validVariants")
    void accepts_what_kubernetes_accepts(Valid c) {
        org.assertj.core.api.Assertions.assertThat(
                ObjectValidator.validate(Fixtures.type(c.resource()), c.object().get())).isEmpty();
    }
}
