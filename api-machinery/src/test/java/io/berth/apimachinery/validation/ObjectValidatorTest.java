package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.scheduling.SystemPriorityClasses;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.berth.apimachinery.validation.PodAndServiceValidationTest.FORBIDDEN;
import static io.berth.apimachinery.validation.PodAndServiceValidationTest.INVALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectValidatorTest {

    record Fixture(String resource, Supplier<? extends HasMetadata> object) {
        @Override
        public String toString() {
            return "a valid " + resource.replaceAll("s$", "");
        }
    }

    static Stream<Fixture> fixtures() {
        return Stream.of(new Fixture("pods", Fixtures::pod), new Fixture("services", Fixtures::service),
                new Fixture("deployments", Fixtures::deployment), new Fixture("replicasets", Fixtures::replicaSet),
                new Fixture("configmaps", Fixtures::configMap), new Fixture("secrets", Fixtures::secret),
                new Fixture("namespaces", Fixtures::namespace), new Fixture("nodes", Fixtures::node),
                new Fixture("leases", Fixtures::lease), new Fixture("priorityclasses", Fixtures::priorityClass),
                new Fixture("priorityclasses", () -> SystemPriorityClasses.all().get(0)),
                new Fixture("priorityclasses", () -> SystemPriorityClasses.all().get(1)),
                new Fixture("roles", Fixtures::role), new Fixture("clusterroles", Fixtures::clusterRole),
                new Fixture("rolebindings", Fixtures::roleBinding),
                new Fixture("clusterrolebindings", Fixtures::clusterRoleBinding),
                new Fixture("networkpolicies", Fixtures::networkPolicy),
                new Fixture("resourcequotas", Fixtures::resourceQuota), new Fixture("limitranges", Fixtures::limitRange),
                new Fixture("endpoints", Fixtures::endpoints), new Fixture("endpointslices", Fixtures::endpointSlice),
                new Fixture("events", Fixtures::event), new Fixture("serviceaccounts", Fixtures::serviceAccount));
    }

    @ParameterizedTest(name = "{0} has no errors")
    @MethodSource("fixtures")
    void valid_objects_pass(Fixture f) {
        assertThat(ObjectValidator.validate(Fixtures.type(f.resource()), f.object().get())).isEmpty();
    }

    @ParameterizedTest(name = "{0} may be replaced by itself")
    @MethodSource("fixtures")
    void an_unchanged_object_is_a_valid_update(Fixture f) {
        HasMetadata old = f.object().get();
        assertThat(ObjectValidator.validateUpdate(Fixtures.type(f.resource()), Json.deepCopy(old), old)).isEmpty();
    }

    @Test
    void an_invalid_object_is_a_422_listing_every_problem() {
        var pod = Fixtures.pod();
        pod.getMetadata().setName("Web");
        pod.getSpec().getContainers().get(0).setImage(null);
        assertThatThrownBy(() -> ObjectValidator.requireValid(Fixtures.type("pods"), pod))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.reason()).isEqualTo("Invalid");
                    assertThat(e.getMessage()).startsWith("Pod \"Web\" is invalid: [metadata.name: Invalid value:"
                            + " \"Web\": a lowercase RFC 1123 subdomain").endsWith(
                            "spec.containers[0].image: Required value]");
                    assertThat(e.status().getDetails().getCauses()).hasSize(2);
                });
    }

    record Update<T extends HasMetadata>(String description, String resource, Supplier<T> old, Consumer<T> change,
                                         String field, String type, String detail) {
        @Override
        public String toString() {
            return description;
        }

        List<FieldError> run() {
            T before = old.get();
            T after = Json.deepCopy(before);
            change.accept(after);
            return ObjectValidator.validateUpdate(Fixtures.type(resource), after, before);
        }
    }

    static <T extends HasMetadata> Update<T> refused(String d, String r, Supplier<T> old, Consumer<T> change,
                                                     String field, String type, String detail) {
        return new Update<>(d, r, old, change, field, type, detail);
    }

    static <T extends HasMetadata> Update<T> allowed(String d, String r, Supplier<T> old, Consumer<T> change) {
        return new Update<>(d, r, old, change, null, null, null);
    }

    static Stream<Update<?>> updates() {
        return Stream.of(
                refused("the name is immutable", "pods", Fixtures::pod, p -> p.getMetadata().setName("web2"),
                        "metadata.name", INVALID, "Invalid value: \"web2\": field is immutable"),
                refused("the namespace is immutable", "configmaps", Fixtures::configMap,
                        c -> c.getMetadata().setNamespace("other"), "metadata.namespace", INVALID, null),
                refused("the uid is immutable", "configmaps", Fixtures::configMap, c -> c.getMetadata().setUid("x"),
                        "metadata.uid", INVALID, null),
                refused("the creation timestamp is immutable", "configmaps", Fixtures::configMap,
                        c -> c.getMetadata().setCreationTimestamp("2024-01-01T00:00:00Z"),
                        "metadata.creationTimestamp", INVALID, null),
                allowed("a pod's image may change", "pods", Fixtures::pod,
                        p -> p.getSpec().getContainers().get(0).setImage("nginx:1.28")),
                refused("a pod's node may not change", "pods", Fixtures::pod, p -> p.getSpec().setNodeName("node-2"),
                        "spec", FORBIDDEN, null),
                refused("a pod's grace period may not change freely", "pods", Fixtures::pod,
                        p -> p.getSpec().setTerminationGracePeriodSeconds(5L), "spec", FORBIDDEN, null),
                refused("containers may not be added to a pod", "pods", Fixtures::pod, p -> {
                    var containers = new ArrayList<>(p.getSpec().getContainers());
                    containers.add(new ContainerBuilder().withName("side").withImage("busybox").build());
                    p.getSpec().setContainers(containers);
                }, "spec.containers", FORBIDDEN, "Forbidden: pod updates may not add or remove containers"),
                allowed("an active deadline may be set", "pods", Fixtures::pod,
                        p -> p.getSpec().setActiveDeadlineSeconds(30L)),
                refused("an active deadline may not grow", "pods", () -> {
                    var p = Fixtures.pod();
                    p.getSpec().setActiveDeadlineSeconds(30L);
                    return p;
                }, p -> p.getSpec().setActiveDeadlineSeconds(60L), "spec.activeDeadlineSeconds", INVALID,
                        "Invalid value: 60: must be less than or equal to previous value"),
                allowed("tolerations may be added", "pods", Fixtures::pod, p -> p.getSpec().setTolerations(List.of(
                        new TolerationBuilder().withKey("gpu").withOperator("Exists").withEffect("NoSchedule").build()))),
                refused("tolerations may not be removed", "pods", () -> {
                    var p = Fixtures.pod();
                    p.getSpec().setTolerations(List.of(new TolerationBuilder().withKey("gpu").withOperator("Exists")
                            .build()));
                    return p;
                }, p -> p.getSpec().setTolerations(List.of()), "spec.tolerations", FORBIDDEN,
                        "Forbidden: existing toleration can not be modified except its tolerationSeconds"),
                allowed("a deployment may scale", "deployments", Fixtures::deployment,
                        d -> d.getSpec().setReplicas(5)),
                refused("a deployment's selector is immutable in apps/v1", "deployments", Fixtures::deployment, d -> {
                    d.getSpec().getSelector().setMatchLabels(Map.of("app", "other"));
                    d.getSpec().getTemplate().getMetadata().setLabels(Map.of("app", "other"));
                }, "spec.selector", INVALID, "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":"
                        + "\"other\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"),
                refused("a replica set's selector is immutable", "replicasets", Fixtures::replicaSet,
                        r -> r.getSpec().getSelector().setMatchLabels(Map.of("app", "web", "x", "y")),
                        "spec.selector", INVALID, null),
                refused("an immutable config map keeps its data", "configmaps", () -> {
                    var c = Fixtures.configMap();
                    c.setImmutable(true);
                    return c;
                }, c -> c.setData(Map.of("MODE", "dev")), "data", FORBIDDEN,
                        "Forbidden: field is immutable when `immutable` is set"),
                refused("an immutable config map stays immutable", "configmaps", () -> {
                    var c = Fixtures.configMap();
                    c.setImmutable(true);
                    return c;
                }, c -> c.setImmutable(false), "immutable", FORBIDDEN, null),
                refused("an immutable secret keeps its data", "secrets", () -> {
                    var s = Fixtures.secret();
                    s.setImmutable(true);
                    return s;
                }, s -> s.setStringData(Map.of("password", "other")), "data", FORBIDDEN, null),
                refused("a secret's type is immutable", "secrets", Fixtures::secret,
                        s -> s.setType("kubernetes.io/basic-auth"), "type", INVALID,
                        "Invalid value: \"kubernetes.io/basic-auth\": field is immutable"),
                refused("a service's cluster IP may not change", "services", () -> {
                    var s = Fixtures.service();
                    s.getSpec().setClusterIP("10.96.0.10");
                    return s;
                }, s -> s.getSpec().setClusterIP("10.96.0.11"), "spec.clusterIPs[0]", INVALID,
                        "Invalid value: []string{\"10.96.0.11\"}: may not change once set"),
                allowed("an unset cluster IP keeps the allocated one", "services", () -> {
                    var s = Fixtures.service();
                    s.getSpec().setClusterIP("10.96.0.10");
                    return s;
                }, s -> s.getSpec().setClusterIP(null)),
                refused("a role binding's role is fixed", "rolebindings", Fixtures::roleBinding,
                        b -> b.getRoleRef().setName("admin"), "roleRef", INVALID, null),
                refused("a priority class value is fixed", "priorityclasses", Fixtures::priorityClass,
                        p -> p.setValue(2000), "value", FORBIDDEN, "Forbidden: may not be changed in an update."),
                refused("a priority class preemption policy is fixed", "priorityclasses", Fixtures::priorityClass,
                        p -> p.setPreemptionPolicy("Never"), "preemptionPolicy", INVALID,
                        "Invalid value: \"Never\": field is immutable"),
                allowed("a priority class may become the global default", "priorityclasses", Fixtures::priorityClass,
                        p -> p.setGlobalDefault(true)),
                refused("a node's pod CIDR is fixed once set", "nodes", Fixtures::node,
                        n -> n.getSpec().setPodCIDRs(List.of("10.244.2.0/24")), "spec.podCIDRs", FORBIDDEN, null),
                refused("no finalizer may be added while deleting", "configmaps", () -> {
                    var c = Fixtures.configMap();
                    c.getMetadata().setDeletionTimestamp("2024-01-01T00:00:00Z");
                    return c;
                }, c -> c.getMetadata().setFinalizers(List.of("example.com/keep")), "metadata.finalizers", FORBIDDEN,
                        "Forbidden: no new finalizers can be added if the object is being deleted, found new"
                                + " finalizers []string{\"example.com/keep\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updates")
    void updates_are_validated_as_kubernetes_does(Update<?> u) {
        List<FieldError> errors = u.run();
        if (u.field() == null) {
            assertThat(errors).isEmpty();
        } else {
            new Case(u.description(), u.resource(), null, u.field(), u.type(), u.detail()).assertReported(errors);
        }
    }

    @Test
    void a_forbidden_pod_update_uses_kubernetes_wording_and_names_the_changed_field() {
        var old = Fixtures.pod();
        var changed = Json.deepCopy(old);
        changed.getSpec().setNodeName("node-2");
        FieldError error = ObjectValidator.validateUpdate(Fixtures.type("pods"), changed, old).get(0);
        assertThat(error.detail()).startsWith("Forbidden: pod updates may not change fields other than"
                + " `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                + "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds`"
                + " (allow it to be set to 1 if it was previously negative)\n");
        assertThat(error.detail()).contains("spec.nodeName");
    }
}
