package io.berth.apiserver.admission;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.ApiServiceInstance;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.watch.WatchCaches;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PriorityClasses and Priority admission over HTTP on a real etcd, with two replicas on one prefix:
 * the system classes, a pod's priority from its class or the global default, and every refusal as a Kubernetes
 * Status that leaves etcd as it was.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PriorityApiTest {

    static final String CLASSES = "/apis/scheduling.k8s.io/v1/priorityclasses";
    static final String PODS = "/api/v1/namespaces/default/pods";
    static final String[] ADMIN = {"system:masters"};

    EtcdProcess etcd;
    ApiServiceInstance a;
    ApiServiceInstance b;

    @BeforeAll
    void start() {
        // one after the other: two Spring contexts starting at once in a fresh JVM race in logback's set-up
        // (BootstrapPolicyTest races the bootstrap itself, which the system classes share with the RBAC policy)
        String prefix = "/priority-" + UUID.randomUUID();
        a = ApiServiceInstance.start(etcd, prefix);
        b = ApiServiceInstance.start(etcd, prefix);
    }

    @AfterAll
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void both_system_classes_exist_after_start_with_kubernetes_values_and_descriptions() {
        for (ApiServiceInstance replica : List.of(a, b)) {
            JsonNode cluster = ok(replica.get(CLASSES + "/system-cluster-critical", "admin", ADMIN));
            assertThat(cluster.path("value").asLong()).isEqualTo(2_000_000_000L);
            assertThat(cluster.path("description").asString()).isEqualTo("Used for system critical pods that must run"
                    + " in the cluster, but can be moved to another node if necessary.");
            assertThat(cluster.path("preemptionPolicy").asString()).isEqualTo("PreemptLowerPriority");
            assertThat(cluster.path("globalDefault").asBoolean(false)).isFalse();
            assertThat(cluster.path("kind").asString()).isEqualTo("PriorityClass");
            JsonNode node = ok(replica.get(CLASSES + "/system-node-critical", "admin", ADMIN));
            assertThat(node.path("value").asLong()).isEqualTo(2_000_001_000L);
            assertThat(node.path("description").asString()).isEqualTo("Used for system critical pods that must not be"
                    + " moved from their current node.");
        }
    }

    @Test
    void a_pod_naming_system_cluster_critical_gets_priority_two_billion() {
        JsonNode pod = created(a.post(PODS, pod("critical", "system-cluster-critical", null), "admin", ADMIN));
        assertThat(pod.path("spec").path("priority").asLong()).isEqualTo(2_000_000_000L);
        assertThat(pod.path("spec").path("priorityClassName").asString()).isEqualTo("system-cluster-critical");
        assertThat(pod.path("spec").path("preemptionPolicy").asString()).isEqualTo("PreemptLowerPriority");
    }

    @Test
    void a_pod_naming_an_unknown_class_is_forbidden_and_not_stored() {
        refused(a.post(PODS, pod("lost", "platinum", null), "admin", ADMIN), 403, "Forbidden",
                "pods \"lost\" is forbidden: no PriorityClass with name platinum was found");
        assertThat(a.get(PODS + "/lost", "admin", ADMIN).statusCode()).isEqualTo(404);
    }

    @Test
    void a_class_created_through_one_replica_is_usable_at_once_through_the_other() {
        created(a.post(CLASSES, priorityClass("gold", 1000, false, "Never"), "admin", ADMIN));
        JsonNode pod = created(b.post(PODS, pod("golden", "gold", null), "admin", ADMIN));
        assertThat(pod.path("spec").path("priority").asLong()).isEqualTo(1000);
        assertThat(pod.path("spec").path("preemptionPolicy").asString()).isEqualTo("Never");
    }

    @Test
    void a_pod_whose_priority_differs_from_its_class_is_forbidden() {
        refused(a.post(PODS, pod("bold", "system-node-critical", 7), "admin", ADMIN), 403, "Forbidden",
                "pods \"bold\" is forbidden: the integer value of priority (7) must not be provided in pod spec;"
                        + " priority admission controller computed 2000001000 from the given PriorityClass name");
        assertThat(a.get(PODS + "/bold", "admin", ADMIN).statusCode()).isEqualTo(404);
    }

    @Test
    void the_global_default_applies_to_pods_without_a_class_and_a_second_default_is_refused() {
        JsonNode plain = created(a.post(PODS, pod("plain", null, null), "admin", ADMIN));
        assertThat(plain.path("spec").path("priority").asLong(-1)).isZero();
        assertThat(plain.path("spec").has("priorityClassName")).isFalse();

        created(a.post(CLASSES, priorityClass("standard", 100, true, null), "admin", ADMIN));
        try {
            awaitCached(a, "standard");
            JsonNode pod = created(a.post(PODS, pod("defaulted", null, null), "admin", ADMIN));
            assertThat(pod.path("spec").path("priorityClassName").asString()).isEqualTo("standard");
            assertThat(pod.path("spec").path("priority").asLong()).isEqualTo(100);
            assertThat(pod.path("spec").path("preemptionPolicy").asString()).isEqualTo("PreemptLowerPriority");

            // through the other replica, at once: its cache catches up with etcd before the check
            refused(b.post(CLASSES, priorityClass("other-default", 50, true, null), "admin", ADMIN), 403,
                    "Forbidden", "priorityclasses.scheduling.k8s.io \"other-default\" is forbidden: PriorityClass"
                            + " standard is already marked as default. Only one default can exist");
            assertThat(b.get(CLASSES + "/other-default", "admin", ADMIN).statusCode()).isEqualTo(404);

            created(b.post(CLASSES, priorityClass("silver", 500, false, null), "admin", ADMIN));
            long revision = revision(b.get(CLASSES + "/silver", "admin", ADMIN));
            refused(b.patch(CLASSES + "/silver", "{\"globalDefault\":true}", "admin", ADMIN), 403, "Forbidden",
                    "priorityclasses.scheduling.k8s.io \"silver\" is forbidden: PriorityClass standard is already"
                            + " marked as default. Only one default can exist");
            assertThat(revision(b.get(CLASSES + "/silver", "admin", ADMIN))).isEqualTo(revision);

            JsonNode relabelled = ok(a.patch(CLASSES + "/standard", "{\"metadata\":{\"labels\":{\"tier\":\"std\"}}}",
                    "admin", ADMIN));
            assertThat(relabelled.path("globalDefault").asBoolean()).as("the default itself may change").isTrue();
        } finally {
            ok(a.delete(CLASSES + "/standard", "admin", ADMIN));
        }
    }

    @Test
    void the_system_classes_cannot_be_deleted_not_even_by_a_deletecollection() {
        for (String name : List.of("system-cluster-critical", "system-node-critical")) {
            refused(a.delete(CLASSES + "/" + name, "admin", ADMIN), 403, "Forbidden",
                    "priorityclasses.scheduling.k8s.io \"" + name + "\" is forbidden: this is a system priority"
                            + " class and cannot be deleted");
        }
        created(a.post(CLASSES, priorityClass("disposable", 1, false, null), "admin", ADMIN));
        ok(a.delete(CLASSES, "admin", ADMIN));
        List<String> left = new ArrayList<>();
        for (JsonNode item : ok(a.get(CLASSES, "admin", ADMIN)).path("items")) {
            left.add(item.path("metadata").path("name").asString());
        }
        assertThat(left).contains("system-cluster-critical", "system-node-critical").doesNotContain("disposable");
    }

    @Test
    void class_validation_refuses_reserved_names_high_values_and_changed_values_or_policies() {
        refused(a.post(CLASSES, priorityClass("huge", 1_000_000_001, false, null), "admin", ADMIN), 422, "Invalid",
                "PriorityClass.scheduling.k8s.io \"huge\" is invalid: value: Forbidden: maximum allowed value of a"
                        + " user defined priority is 1000000000");
        refused(a.post(CLASSES, priorityClass("system-mine", 10, false, null), "admin", ADMIN), 422, "Invalid",
                "PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden: priority"
                        + " class names with 'system-' prefix are reserved for system use only. error: system-mine is"
                        + " not a known system priority class");
        refused(a.post(CLASSES, priorityClass("sometimes", 10, false, "Sometimes"), "admin", ADMIN), 422,
                "Invalid", null);
        created(a.post(CLASSES, priorityClass("bronze", 10, false, null), "admin", ADMIN));
        refused(a.patch(CLASSES + "/bronze", "{\"value\":11}", "admin", ADMIN), 422, "Invalid",
                "PriorityClass.scheduling.k8s.io \"bronze\" is invalid: value: Forbidden: may not be changed in an"
                        + " update.");
        refused(a.patch(CLASSES + "/bronze", "{\"preemptionPolicy\":\"Never\"}", "admin", ADMIN), 422, "Invalid",
                "PriorityClass.scheduling.k8s.io \"bronze\" is invalid: preemptionPolicy: Invalid value: \"Never\":"
                        + " field is immutable");
        refused(a.patch(CLASSES + "/system-node-critical", "{\"value\":5}", "admin", ADMIN), 422, "Invalid", null);
        assertThat(ok(a.get(CLASSES + "/system-node-critical", "admin", ADMIN)).path("value").asLong())
                .isEqualTo(2_000_001_000L);
    }

    @Test
    void a_pod_update_keeps_its_priority_and_may_not_change_it() {
        JsonNode pod = created(a.post(PODS, pod("steady", "system-cluster-critical", null), "admin", ADMIN));
        refused(a.patch(PODS + "/steady", "{\"spec\":{\"priority\":5}}", "admin", ADMIN), 422, "Invalid", null);
        refused(a.patch(PODS + "/steady", "{\"spec\":{\"priorityClassName\":\"system-node-critical\"}}", "admin",
                ADMIN), 422, "Invalid", null);

        // a PUT that leaves priority and preemptionPolicy out keeps them, as Kubernetes' plugin does
        ObjectNode replaced = (ObjectNode) pod.deepCopy();
        ObjectNode spec = (ObjectNode) replaced.path("spec");
        spec.remove("priority");
        spec.remove("preemptionPolicy");
        ((ObjectNode) replaced.path("metadata")).putObject("labels").put("app", "steady");
        JsonNode updated = ok(a.put(PODS + "/steady", replaced.toString(), "admin", ADMIN));
        assertThat(updated.path("spec").path("priority").asLong()).isEqualTo(2_000_000_000L);
        assertThat(updated.path("spec").path("preemptionPolicy").asString()).isEqualTo("PreemptLowerPriority");
        assertThat(updated.path("metadata").path("labels").path("app").asString()).isEqualTo("steady");
    }

    /** Waits until the replica's watch cache holds the class (a pod naming no class reads only the cache). */
    private static void awaitCached(ApiServiceInstance replica, String name) {
        ResourceType type = replica.bean(ResourceRegistry.class).find("scheduling.k8s.io", "v1", "priorityclasses")
                .orElseThrow();
        String key = replica.bean(EtcdStore.class).keys().key(type, null, name);
        WatchCaches caches = replica.bean(WatchCaches.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> caches.get(type).get(key) != null);
    }

    static String pod(String name, String priorityClassName, Integer priority) {
        return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{"
                + (priorityClassName == null ? "" : "\"priorityClassName\":\"" + priorityClassName + "\",")
                + (priority == null ? "" : "\"priority\":" + priority + ",")
                + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
    }

    static String priorityClass(String name, int value, boolean globalDefault, String policy) {
        return "{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\",\"metadata\":{\"name\":\"" + name
                + "\"},\"value\":" + value + (globalDefault ? ",\"globalDefault\":true" : "")
                + (policy == null ? "" : ",\"preemptionPolicy\":\"" + policy + "\"") + "}";
    }

    private static JsonNode created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return tree(response);
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return tree(response);
    }

    private static long revision(HttpResponse<String> response) {
        return Long.parseLong(ok(response).path("metadata").path("resourceVersion").asString());
    }

    /** A refusal is a Kubernetes Status with the code and reason (and, when given, the message). */
    private static void refused(HttpResponse<String> response, int code, String reason, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(code);
        JsonNode status = tree(response);
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("status").asString()).isEqualTo("Failure");
        assertThat(status.path("code").asInt()).isEqualTo(code);
        assertThat(status.path("reason").asString()).isEqualTo(reason);
        if (message != null) {
            assertThat(status.path("message").asString()).isEqualTo(message);
        }
    }

    private static JsonNode tree(HttpResponse<String> response) {
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
