package io.berth.apimachinery.selector;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldSelectorTest {

    static ResourceType type(String group, String resource) {
        return ResourceRegistry.builtIn().find(group, "v1", resource).orElseThrow();
    }

    static final HasMetadata POD = new PodBuilder()
            .withNewMetadata().withName("web-1").withNamespace("default").endMetadata()
            .withNewSpec().withNodeName("node-1").withRestartPolicy("Always").withServiceAccountName("builder")
            .endSpec()
            .withNewStatus().withPhase("Running").addNewPodIP("10.244.0.5").endStatus()
            .build();
    static final HasMetadata NODE = new NodeBuilder()
            .withNewMetadata().withName("node-1").endMetadata().withNewSpec().withUnschedulable(true).endSpec().build();
    static final HasMetadata EVENT = new EventBuilder()
            .withNewMetadata().withName("web-1.1").withNamespace("default").endMetadata()
            .withNewInvolvedObject().withKind("Pod").withName("web-1").withNamespace("default").withUid("u-1")
            .endInvolvedObject()
            .withReason("Started").withType("Warning").withReportingComponent("kubelet").build();
    static final HasMetadata NAMESPACE = new NamespaceBuilder()
            .withNewMetadata().withName("team-a").endMetadata().withNewStatus().withPhase("Active").endStatus().build();
    static final HasMetadata SECRET = new SecretBuilder()
            .withNewMetadata().withName("tls").withNamespace("default").endMetadata().withType("kubernetes.io/tls")
            .build();
    static final HasMetadata SERVICE = new ServiceBuilder()
            .withNewMetadata().withName("db").withNamespace("default").endMetadata()
            .withNewSpec().withClusterIP("None").withType("ClusterIP").endSpec().build();
    static final HasMetadata CONFIG_MAP = new ConfigMapBuilder()
            .withNewMetadata().withName("a,b").withNamespace("default").endMetadata().build();
    static final HasMetadata CLUSTER_ROLE = new ClusterRoleBuilder().withNewMetadata().withName("view").endMetadata()
            .build();

    record Case(String description, ResourceType type, String selector, HasMetadata object, boolean matches) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> supported() {
        ResourceType pods = type("", "pods");
        return Stream.of(
                new Case("pods select by node name", pods, "spec.nodeName=node-1", POD, true),
                new Case("pods exclude by node name", pods, "spec.nodeName!=node-1", POD, false),
                new Case("the legacy spec.host means spec.nodeName", pods, "spec.host=node-1", POD, true),
                new Case("pods select by phase with ==", pods, "status.phase==Running", POD, true),
                new Case("an unset hostNetwork compares as false", pods, "spec.hostNetwork=false", POD, true),
                new Case("pods select by their first pod IP", pods, "status.podIP=10.244.0.5", POD, true),
                new Case("an unset nominated node compares as empty", pods, "status.nominatedNodeName=", POD, true),
                new Case("pods select by service account and namespace", pods,
                        "spec.serviceAccountName=builder,metadata.namespace=default", POD, true),
                new Case("nodes select by unschedulable", type("", "nodes"), "spec.unschedulable=true", NODE, true),
                new Case("events select by involved object", type("", "events"),
                        "involvedObject.kind=Pod,involvedObject.name=web-1,involvedObject.uid=u-1", EVENT, true),
                new Case("an event's source falls back to its reporting component", type("", "events"),
                        "source=kubelet,reason=Started,type=Warning", EVENT, true),
                new Case("namespaces select by phase", type("", "namespaces"), "status.phase=Active", NAMESPACE, true),
                new Case("secrets select by type", type("", "secrets"), "type=kubernetes.io/tls", SECRET, true),
                new Case("services select by cluster IP and type", type("", "services"),
                        "spec.clusterIP=None,spec.type=ClusterIP", SERVICE, true),
                new Case("an escaped comma is part of the value", type("", "configmaps"), "metadata.name=a\\,b",
                        CONFIG_MAP, true),
                new Case("cluster-scoped objects have an empty namespace", type("rbac.authorization.k8s.io",
                        "clusterroles"), "metadata.namespace=", CLUSTER_ROLE, true),
                new Case("cluster-scoped objects never match a namespace", type("rbac.authorization.k8s.io",
                        "clusterroles"), "metadata.namespace=default", CLUSTER_ROLE, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("supported")
    void selects_on_the_fields_each_resource_supports(Case c) {
        assertThat(FieldSelector.parse(c.selector(), c.type()).matches(c.object())).isEqualTo(c.matches());
    }

    record Rejected(String description, ResourceType type, String selector, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Rejected> rejections() {
        ResourceType pods = type("", "pods");
        return Stream.of(
                new Rejected("a term without operator", pods, "metadata.name",
                        "invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
                new Rejected("an unescaped '=' in a value (Go prints the rune's number)", pods, "metadata.name=a=b",
                        "invalid field selector: unescaped character in value: 61"),
                new Rejected("an unknown escape", pods, "metadata.name=a\\x",
                        "invalid field selector: invalid escape sequence: \\x"),
                new Rejected("a trailing backslash", pods, "metadata.name=a\\",
                        "invalid field selector: invalid escape sequence: \\"),
                new Rejected("a pod field Kubernetes does not index", pods, "spec.bogus=1",
                        "field label not supported: spec.bogus"),
                new Rejected("a namespace on nodes", type("", "nodes"), "metadata.namespace=a",
                        "field label not supported: metadata.namespace"),
                new Rejected("a data field on configmaps", type("", "configmaps"), "data.foo=1",
                        "\"data.foo\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""),
                new Rejected("status.replicas on apps/v1 replicasets, as in Kubernetes", type("apps", "replicasets"),
                        "status.replicas=1",
                        "\"status.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""));
    }

    @ParameterizedTest(name = "{0} is a 400")
    @MethodSource("rejections")
    void rejects_bad_selectors_with_kubernetes_messages(Rejected c) {
        assertThatThrownBy(() -> FieldSelector.parse(c.selector(), c.type()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo("BadRequest");
                    assertThat(e.getMessage()).isEqualTo(c.message());
                });
    }

    @Test
    void an_exact_value_is_offered_for_equality_terms_only() {
        FieldSelector s = FieldSelector.parse("status.phase!=Failed,spec.nodeName=node-1", type("", "pods"));
        assertThat(s.requiredValue("spec.nodeName")).contains("node-1");
        assertThat(s.requiredValue("status.phase")).isEmpty();
    }

    @Test
    void terms_are_sorted_and_values_escaped_in_the_canonical_form() {
        FieldSelector s = FieldSelector.parse("metadata.name=a\\,b,metadata.namespace!=x", type("", "configmaps"));
        assertThat(s.toString()).isEqualTo("metadata.name=a\\,b,metadata.namespace!=x");
        assertThat(s.terms()).hasSize(2);
    }

    @Test
    void empty_selectors_select_everything() {
        assertThat(FieldSelector.parse("", type("", "pods")).isEverything()).isTrue();
        assertThat(FieldSelector.parse(null, type("", "pods")).isEverything()).isTrue();
        assertThat(FieldSelector.parse(",", type("", "pods")).isEverything()).isTrue();
        assertThat(FieldSelector.everything().matches(POD)).isTrue();
    }

    @Test
    void replica_counts_are_still_computed_for_replicasets() {
        HasMetadata rs = new ReplicaSetBuilder().withNewMetadata().withName("rs").withNamespace("d").endMetadata()
                .withNewStatus().withReplicas(3).endStatus().build();
        assertThat(FieldLabels.of(type("apps", "replicasets"), rs)).containsEntry("status.replicas", "3");
    }
}
