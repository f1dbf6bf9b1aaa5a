package io.berth.apimachinery.validation;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static io.berth.apimachinery.validation.Fixtures.with;
import static io.berth.apimachinery.validation.PodAndServiceValidationTest.INVALID;
import static io.berth.apimachinery.validation.PodAndServiceValidationTest.NOT_SUPPORTED;
import static io.berth.apimachinery.validation.PodAndServiceValidationTest.REQUIRED;
import static io.berth.apimachinery.validation.PodAndServiceValidationTest.TOO_LONG;

class WorkloadAndConfigValidationTest {

    static Stream<Case> workloads() {
        return Stream.of(
                Case.exactly("replicas may not be negative", "deployments",
                        with(Fixtures::deployment, d -> d.getSpec().setReplicas(-1)), "spec.replicas", INVALID,
                        "Invalid value: -1: must be greater than or equal to 0"),
                Case.of("a deployment needs a selector", "deployments",
                        with(Fixtures::deployment, d -> d.getSpec().setSelector(null)), "spec.selector", REQUIRED),
                Case.exactly("an empty selector is refused", "deployments",
                        with(Fixtures::deployment, d -> d.getSpec().setSelector(new LabelSelector())), "spec.selector",
                        INVALID, "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil),"
                                + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for"
                                + " deployment"),
                Case.exactly("the selector must match the template labels", "deployments",
                        with(Fixtures::deployment, d -> d.getSpec().getTemplate().getMetadata()
                                .setLabels(Map.of("app", "other"))), "spec.template.metadata.labels", INVALID,
                        "Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template"
                                + " `labels`"),
                Case.exactly("a workload's pods always restart", "deployments",
                        with(Fixtures::deployment, d -> d.getSpec().getTemplate().getSpec().setRestartPolicy("Never")),
                        "spec.template.spec.restartPolicy", NOT_SUPPORTED,
                        "Unsupported value: \"Never\": supported values: \"Always\""),
                Case.of("the strategy type is Recreate or RollingUpdate", "deployments",
                        with(Fixtures::deployment, d -> d.getSpec().setStrategy(new DeploymentStrategyBuilder()
                                .withType("Rolling").build())), "spec.strategy", NOT_SUPPORTED),
                Case.exactly("maxUnavailable and maxSurge may not both be 0", "deployments",
                        with(Fixtures::deployment, d -> d.getSpec().setStrategy(new DeploymentStrategyBuilder()
                                .withType("RollingUpdate").withNewRollingUpdate()
                                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(0))
                                .endRollingUpdate().build())),
                        "spec.strategy.rollingUpdate.maxUnavailable", INVALID,
                        "Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when"
                                + " `maxSurge` is 0"),
                Case.of("maxUnavailable is at most 100%", "deployments",
                        with(Fixtures::deployment, d -> d.getSpec().setStrategy(new DeploymentStrategyBuilder()
                                .withType("RollingUpdate").withNewRollingUpdate()
                                .withMaxUnavailable(new IntOrString("150%")).endRollingUpdate().build())),
                        "spec.strategy.rollingUpdate.maxUnavailable", INVALID),
                Case.of("the template's containers are validated", "deployments",
                        with(Fixtures::deployment, d -> d.getSpec().getTemplate().getSpec().getContainers().get(0)
                                .setName("App")), "spec.template.spec.containers[0].name", INVALID),
                Case.of("template labels are reported under template.labels, as Kubernetes does", "deployments",
                        with(Fixtures::deployment, d -> d.getSpec().getTemplate().getMetadata()
                                .setLabels(Map.of("app", "web", "-x", "y"))), "spec.template.labels", INVALID),
                Case.of("a replica set's selector must match its template", "replicasets",
                        with(Fixtures::replicaSet, r -> r.getSpec().getTemplate().getMetadata()
                                .setLabels(Map.of("app", "other"))), "spec.template.metadata.labels", INVALID),
                Case.of("a replica set needs a selector", "replicasets",
                        with(Fixtures::replicaSet, r -> r.getSpec().setSelector(null)), "spec.selector", REQUIRED),
                Case.of("a replica set's replicas may not be negative", "replicasets",
                        with(Fixtures::replicaSet, r -> r.getSpec().setReplicas(-3)), "spec.replicas", INVALID));
    }

    static Stream<Case> configs() {
        return Stream.of(
                Case.exactly("a config key has no slash", "configmaps",
                        with(Fixtures::configMap, c -> c.setData(Map.of("a/b", "x"))), "data[a/b]", INVALID,
                        "Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_'"
                                + " or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation"
                                + " is '[-._a-zA-Z0-9]+')"),
                Case.exactly("a key may not be in data and binaryData", "configmaps",
                        with(Fixtures::configMap, c -> c.setBinaryData(Map.of("MODE", "AAAA"))), "data[MODE]",
                        INVALID, "Invalid value: \"MODE\": duplicate of key present in binaryData"),
                Case.exactly("a config map holds at most 1 MiB", "configmaps",
                        with(Fixtures::configMap, c -> c.setData(Map.of("big", "x".repeat(1024 * 1024 + 1)))), "",
                        TOO_LONG, "Too long: may not be more than 1048576 bytes"),
                Case.of("a secret key has no space", "secrets",
                        with(Fixtures::secret, s -> s.setData(Map.of("bad key", "eA=="))), "data[bad key]", INVALID),
                Case.of("a secret's stringData keys are checked as data keys", "secrets",
                        with(Fixtures::secret, s -> s.setStringData(Map.of("a/b", "x"))), "data[a/b]", INVALID),
                Case.of("a TLS secret needs its key", "secrets", with(Fixtures::secret, s -> {
                    s.setType("kubernetes.io/tls");
                    s.setData(Map.of("tls.crt", "eA=="));
                }), "data[tls.key]", REQUIRED),
                Case.of("a token secret names its service account", "secrets",
                        with(Fixtures::secret, s -> s.setType("kubernetes.io/service-account-token")),
                        "metadata.annotations[kubernetes.io/service-account.name]", REQUIRED),
                Case.of("a docker config secret carries .dockerconfigjson", "secrets",
                        with(Fixtures::secret, s -> s.setType("kubernetes.io/dockerconfigjson")),
                        "data[.dockerconfigjson]", REQUIRED),
                Case.of("a secret holds at most 1 MiB", "secrets",
                        with(Fixtures::secret, s -> s.setStringData(Map.of("big", "x".repeat(1024 * 1024 + 1)))),
                        "data", TOO_LONG));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workloads")
    void workloads_are_validated_as_kubernetes_does(Case c) {
        c.assertReported(ObjectValidator.validate(Fixtures.type(c.resource()), c.object().get()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void config_maps_and_secrets_are_validated_as_kubernetes_does(Case c) {
        c.assertReported(ObjectValidator.validate(Fixtures.type(c.resource()), c.object().get()));
    }
}
