package io.berth.node.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.berth.node.pods.Fixtures.container;
import static io.berth.node.pods.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The environment: image env, envFrom, env, valueFrom sources and the downward API, as the kubelet builds it. */
class ContainerEnvTest {

    /** What every container here starts with: the image's env after the default PATH and HOSTNAME. */
    static final List<String> BASE = List.of("PATH=/bin", "HOSTNAME=web-0", "IMAGE_VAR=from-image");

    record Case(String name, List<EnvFromSource> envFrom, List<EnvVar> env, List<String> added) {
    }

    record FailureCase(String name, List<EnvFromSource> envFrom, List<EnvVar> env, String message) {
    }

    static Stream<Case> environments() {
        return Stream.of(
                new Case("plain values follow the image's env", List.of(), List.of(env("A", "1"), env("B", "2")),
                        List.of("A=1", "B=2")),
                new Case("an env name replaces the image's value in place", List.of(), List.of(env("IMAGE_VAR", "mine")),
                        List.of("!IMAGE_VAR=mine")),
                new Case("an empty value is set", List.of(), List.of(env("EMPTY", "")), List.of("EMPTY=")),
                new Case("configMapRef: every valid key, values not expanded", List.of(configMapRef("settings", null, false)),
                        List.of(), List.of("LOG_LEVEL=debug", "REF=$(LOG_LEVEL)", "dotted.key=y")),
                new Case("a prefix can make a key valid", List.of(configMapRef("settings", "CFG_", false)), List.of(),
                        List.of("CFG_1NUMERIC=x", "CFG_LOG_LEVEL=debug", "CFG_REF=$(LOG_LEVEL)", "CFG_dotted.key=y")),
                new Case("secretRef values are decoded", List.of(secretRef("creds", "S_", false)), List.of(),
                        List.of("S_pass=s3cret", "S_user=admin")),
                new Case("optional missing sources are skipped",
                        List.of(configMapRef("nope", null, true), secretRef("nope", null, true)), List.of(), List.of()),
                new Case("env overrides envFrom in place", List.of(configMapRef("settings", null, false)),
                        List.of(env("LOG_LEVEL", "info")), List.of("LOG_LEVEL=info", "REF=$(LOG_LEVEL)", "dotted.key=y")),
                new Case("values expand earlier variables only, never the image's",
                        List.of(configMapRef("settings", null, false)),
                        List.of(env("A", "x"), env("B", "$(A)-$(LOG_LEVEL)-$(LATER)-$(IMAGE_VAR)-$$(A)"), env("LATER", "z")),
                        List.of("LOG_LEVEL=debug", "REF=$(LOG_LEVEL)", "dotted.key=y", "A=x",
                                "B=x-debug-$(LATER)-$(IMAGE_VAR)-$(A)", "LATER=z")),
                new Case("configMapKeyRef and secretKeyRef", List.of(),
                        List.of(configMapKey("LEVEL", "settings", "LOG_LEVEL", false), secretKey("PASSWORD", "creds", "pass", false)),
                        List.of("LEVEL=debug", "PASSWORD=s3cret")),
                new Case("optional key references to nothing leave the variable unset", List.of(),
                        List.of(configMapKey("A", "nope", "k", true), configMapKey("B", "settings", "nope", true),
                                secretKey("C", "nope", "k", true), secretKey("D", "creds", "nope", true), env("E", "$(A)")),
                        List.of("E=$(A)")),
                new Case("fieldRef: the pod's metadata and spec", List.of(),
                        List.of(field("NAME", "metadata.name"), field("NS", "metadata.namespace"), field("UID", "metadata.uid"),
                                field("APP", "metadata.labels['app']"), field("TEAM", "metadata.annotations['team']"),
                                field("NONE", "metadata.labels['missing']"), field("LABELS", "metadata.labels"),
                                field("NODE", "spec.nodeName"), field("SA", "spec.serviceAccountName")),
                        List.of("NAME=web-0", "NS=shop", "UID=uid-1", "APP=web", "TEAM=checkout", "NONE=",
                                "LABELS=app=\"web\"\ntier=\"front\"", "NODE=node-a", "SA=shop-sa")),
                new Case("fieldRef: addresses", List.of(),
                        List.of(field("POD_IP", "status.podIP"), field("POD_IPS", "status.podIPs"),
                                field("HOST_IP", "status.hostIP"), field("HOST_IPS", "status.hostIPs")),
                        List.of("POD_IP=10.244.0.7", "POD_IPS=10.244.0.7", "HOST_IP=192.0.2.10", "HOST_IPS=192.0.2.10")),
                new Case("resourceFieldRef: set values over divisors, rounded up", List.of(),
                        List.of(resource("MEM_MI", "limits.memory", "1Mi"), resource("CPU_M", "requests.cpu", "1m"),
                                resource("CPU", "limits.cpu", null), resource("MEM_REQ", "requests.memory", "1Mi")),
                        List.of("MEM_MI=65", "CPU_M=250", "CPU=2", "MEM_REQ=1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void environments(Case c) {
        Container container = container().withEnvFrom(c.envFrom()).withEnv(c.env())
                .withResources(new ResourceRequirementsBuilder()
                        .addToLimits("memory", new Quantity("64.5Mi")).addToLimits("cpu", new Quantity("1500m"))
                        .addToRequests("memory", new Quantity("1")).addToRequests("cpu", new Quantity("250m")).build())
                .build();

        assertThat(plan(container).env()).containsExactlyElementsOf(expected(c.added()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsetResources")
    void unsetLimitsReadTheNodesAllocatableAndUnsetRequestsAreZero(Case c) {
        assertThat(plan(new ContainerBuilder(container().build()).withEnv(c.env()).build()).env())
                .containsExactlyElementsOf(expected(c.added()));
    }

    static Stream<Case> unsetResources() {
        return Stream.of(
                new Case("cpu and memory limits", List.of(),
                        List.of(resource("CPU", "limits.cpu", null), resource("MEM_GI", "limits.memory", "1Gi")),
                        List.of("CPU=4", "MEM_GI=8")),
                new Case("a limit the node does not report", List.of(),
                        List.of(resource("DISK", "limits.ephemeral-storage", null)), List.of("DISK=0")),
                new Case("requests", List.of(),
                        List.of(resource("CPU", "requests.cpu", "1m"), resource("MEM", "requests.memory", null)),
                        List.of("CPU=0", "MEM=0")));
    }

    static Stream<FailureCase> failures() {
        return Stream.of(
                new FailureCase("missing ConfigMap", List.of(configMapRef("nope", null, false)), List.of(),
                        "configmap \"nope\" not found"),
                new FailureCase("missing Secret", List.of(secretRef("nope", null, false)), List.of(),
                        "secret \"nope\" not found"),
                new FailureCase("missing ConfigMap of a key", List.of(), List.of(configMapKey("A", "nope", "k", false)),
                        "configmap \"nope\" not found"),
                new FailureCase("missing ConfigMap key", List.of(), List.of(configMapKey("A", "settings", "k", false)),
                        "couldn't find key k in ConfigMap shop/settings"),
                new FailureCase("missing Secret of a key", List.of(), List.of(secretKey("A", "nope", "k", false)),
                        "secret \"nope\" not found"),
                new FailureCase("missing Secret key", List.of(), List.of(secretKey("A", "creds", "k", false)),
                        "couldn't find key k in Secret shop/creds"),
                new FailureCase("unsupported fieldPath", List.of(), List.of(field("X", "spec.restartPolicy")),
                        "unsupported fieldPath: spec.restartPolicy"),
                new FailureCase("unsupported resource", List.of(), List.of(resource("X", "limits.gpu", null)),
                        "unsupported container resource : limits.gpu"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void failures(FailureCase c) {
        Container container = container().withEnvFrom(c.envFrom()).withEnv(c.env()).build();

        assertThatThrownBy(() -> plan(container))
                .isInstanceOfSatisfying(ContainerPlanFailure.class,
                        f -> assertThat(f.reason()).isEqualTo("CreateContainerConfigError"))
                .hasMessage(c.message());
    }

    /** BASE plus {@code added}; an entry starting with {@code !} replaces the base entry of its name instead. */
    private static List<String> expected(List<String> added) {
        List<String> env = new ArrayList<>(BASE);
        for (String entry : added) {
            if (entry.startsWith("!")) {
                String name = entry.substring(1, entry.indexOf('='));
                env.replaceAll(e -> e.startsWith(name + "=") ? entry.substring(1) : e);
            } else {
                env.add(entry);
            }
        }
        return env;
    }

    static EnvVar env(String name, String value) {
        return new EnvVar(name, value, null);
    }

    static EnvVar field(String name, String path) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path).endFieldRef()
                .endValueFrom().build();
    }

    static EnvVar resource(String name, String resource, String divisor) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewResourceFieldRef().withResource(resource)
                .withDivisor(divisor == null ? null : new Quantity(divisor)).endResourceFieldRef().endValueFrom().build();
    }

    static EnvVar configMapKey(String name, String configMap, String key, boolean optional) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewConfigMapKeyRef().withName(configMap)
                .withKey(key).withOptional(optional ? true : null).endConfigMapKeyRef().endValueFrom().build();
    }

    static EnvVar secretKey(String name, String secret, String key, boolean optional) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(secret)
                .withKey(key).withOptional(optional ? true : null).endSecretKeyRef().endValueFrom().build();
    }

    static EnvFromSource configMapRef(String name, String prefix, boolean optional) {
        return new EnvFromSourceBuilder().withPrefix(prefix).withNewConfigMapRef().withName(name)
                .withOptional(optional ? true : null).endConfigMapRef().build();
    }

    static EnvFromSource secretRef(String name, String prefix, boolean optional) {
        return new EnvFromSourceBuilder().withPrefix(prefix).withNewSecretRef().withName(name)
                .withOptional(optional ? true : null).endSecretRef().build();
    }
}
