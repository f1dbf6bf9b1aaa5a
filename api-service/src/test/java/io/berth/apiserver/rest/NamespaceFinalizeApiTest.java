package io.berth.apiserver.rest;

import io.berth.apimachinery.json.Json;
import io.berth.apiserver.ApiServiceInstance;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code namespaces/{name}/finalize} and the end of a namespace's deletion over HTTP on a real etcd, as Kubernetes'
 * namespace storage does it: a delete marks the namespace Terminating; it is removed once its {@code spec.finalizers}
 * (emptied through {@code /finalize} by the namespace controller) and its {@code metadata.finalizers} are both empty.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceFinalizeApiTest {

    static final String NAMESPACES = "/api/v1/namespaces";
    static final String[] ADMIN = {"system:masters"};

    EtcdProcess etcd;
    ApiServiceInstance api;

    @BeforeAll
    void start() {
        api = ApiServiceInstance.start(etcd, "/finalize-" + UUID.randomUUID());
    }

    @AfterAll
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void a_deleted_namespace_is_terminating_until_finalize_empties_its_finalizers_then_it_is_gone() {
        created(api.post(NAMESPACES, "{\"metadata\":{\"name\":\"doomed\"}}", "admin", ADMIN));

        JsonNode terminating = ok(api.delete(NAMESPACES + "/doomed", "admin", ADMIN));
        assertThat(terminating.path("status").path("phase").asString()).isEqualTo("Terminating");
        assertThat(terminating.path("metadata").path("deletionTimestamp").asString("")).isNotEmpty();
        assertThat(finalizers(terminating.path("spec"))).containsExactly("kubernetes");
        JsonNode stored = ok(api.get(NAMESPACES + "/doomed", "admin", ADMIN));
        assertThat(stored.path("status").path("phase").asString()).isEqualTo("Terminating");

        JsonNode again = ok(api.delete(NAMESPACES + "/doomed", "admin", ADMIN));
        assertThat(again.path("metadata").path("resourceVersion").asString())
                .as("a second delete of a terminating namespace writes nothing")
                .isEqualTo(stored.path("metadata").path("resourceVersion").asString());

        JsonNode finalized = ok(api.put(NAMESPACES + "/doomed/finalize",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"doomed\"},"
                        + "\"spec\":{\"finalizers\":[]}}", "admin", ADMIN));
        assertThat(finalizers(finalized.path("spec"))).isEmpty();
        assertThat(api.get(NAMESPACES + "/doomed", "admin", ADMIN).statusCode()).isEqualTo(404);
    }

    @Test
    void finalize_changes_only_spec_finalizers_and_ignores_the_requests_metadata_and_status() {
        created(api.post(NAMESPACES, "{\"metadata\":{\"name\":\"kept\",\"labels\":{\"team\":\"a\"}}}", "admin",
                ADMIN));

        JsonNode finalized = ok(api.put(NAMESPACES + "/kept/finalize",
                "{\"metadata\":{\"name\":\"kept\",\"labels\":{\"team\":\"b\"},\"finalizers\":[\"example.com/x\"]},"
                        + "\"spec\":{\"finalizers\":[\"kubernetes\",\"example.com/hold\"]},"
                        + "\"status\":{\"phase\":\"Terminating\"}}", "admin", ADMIN));

        assertThat(finalizers(finalized.path("spec"))).containsExactly("kubernetes", "example.com/hold");
        JsonNode stored = ok(api.get(NAMESPACES + "/kept", "admin", ADMIN));
        assertThat(finalizers(stored.path("spec"))).containsExactly("kubernetes", "example.com/hold");
        assertThat(stored.path("metadata").path("labels").path("team").asString()).isEqualTo("a");
        assertThat(stored.path("metadata").has("finalizers")).isFalse();
        assertThat(stored.path("status").path("phase").asString()).isEqualTo("Active");
    }

    @Test
    void an_update_of_the_namespace_itself_keeps_its_spec_finalizers() {
        created(api.post(NAMESPACES, "{\"metadata\":{\"name\":\"steady\"}}", "admin", ADMIN));

        JsonNode patched = ok(api.patch(NAMESPACES + "/steady",
                "{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"finalizers\":[]}}", "admin", ADMIN));

        assertThat(patched.path("metadata").path("labels").path("a").asString()).isEqualTo("b");
        assertThat(finalizers(patched.path("spec"))).containsExactly("kubernetes");
    }

    @Test
    void finalize_with_a_stale_resource_version_is_a_conflict_and_writes_nothing() {
        JsonNode ns = created(api.post(NAMESPACES, "{\"metadata\":{\"name\":\"raced\"}}", "admin", ADMIN));
        String rv = ns.path("metadata").path("resourceVersion").asString();
        ok(api.patch(NAMESPACES + "/raced", "{\"metadata\":{\"labels\":{\"moved\":\"on\"}}}", "admin", ADMIN));

        HttpResponse<String> stale = api.put(NAMESPACES + "/raced/finalize", "{\"metadata\":{\"name\":\"raced\","
                + "\"resourceVersion\":\"" + rv + "\"},\"spec\":{\"finalizers\":[]}}", "admin", ADMIN);

        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
        assertThat(tree(stale).path("reason").asString()).isEqualTo("Conflict");
        assertThat(finalizers(ok(api.get(NAMESPACES + "/raced", "admin", ADMIN)).path("spec")))
                .containsExactly("kubernetes");
    }

    @Test
    void a_terminating_namespace_waits_for_its_metadata_finalizers_too() {
        created(api.post(NAMESPACES, "{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"example.com/hold\"]}}",
                "admin", ADMIN));
        ok(api.delete(NAMESPACES + "/held", "admin", ADMIN));

        ok(api.put(NAMESPACES + "/held/finalize", "{\"metadata\":{\"name\":\"held\"},\"spec\":{}}", "admin", ADMIN));
        JsonNode waiting = ok(api.get(NAMESPACES + "/held", "admin", ADMIN));
        assertThat(finalizers(waiting.path("spec"))).isEmpty();
        assertThat(waiting.path("metadata").path("finalizers").get(0).asString()).isEqualTo("example.com/hold");

        ok(api.patch(NAMESPACES + "/held", "{\"metadata\":{\"finalizers\":null}}", "admin", ADMIN));
        assertThat(api.get(NAMESPACES + "/held", "admin", ADMIN).statusCode()).isEqualTo(404);
    }

    @Test
    void deleting_a_namespace_that_nothing_holds_removes_it_at_once() {
        created(api.post(NAMESPACES, "{\"metadata\":{\"name\":\"free\"}}", "admin", ADMIN));
        ok(api.put(NAMESPACES + "/free/finalize", "{\"metadata\":{\"name\":\"free\"},\"spec\":{\"finalizers\":[]}}",
                "admin", ADMIN));

        JsonNode status = ok(api.delete(NAMESPACES + "/free", "admin", ADMIN));

        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("status").asString()).isEqualTo("Success");
        assertThat(api.get(NAMESPACES + "/free", "admin", ADMIN).statusCode()).isEqualTo(404);
    }

    @Test
    void finalize_is_update_only_and_discovery_and_openapi_say_so() {
        created(api.post(NAMESPACES, "{\"metadata\":{\"name\":\"listed\"}}", "admin", ADMIN));
        assertThat(api.get(NAMESPACES + "/listed/finalize", "admin", ADMIN).statusCode()).isEqualTo(405);
        assertThat(api.patch(NAMESPACES + "/listed/finalize", "{}", "admin", ADMIN).statusCode()).isEqualTo(405);
        assertThat(api.put(NAMESPACES + "/nowhere/finalize", "{\"spec\":{\"finalizers\":[]}}", "admin", ADMIN)
                .statusCode()).isEqualTo(404);

        JsonNode finalize = null;
        for (JsonNode r : ok(api.get("/api/v1", "admin", ADMIN)).path("resources")) {
            if (r.path("name").asString().equals("namespaces/finalize")) {
                finalize = r;
            }
        }
        assertThat(finalize).as("namespaces/finalize in /api/v1").isNotNull();
        assertThat(finalize.path("kind").asString()).isEqualTo("Namespace");
        assertThat(finalize.path("namespaced").asBoolean(true)).isFalse();
        assertThat(strings(finalize.path("verbs"))).containsExactly("update");

        JsonNode path = ok(api.get("/openapi/v2", "admin", ADMIN)).path("paths")
                .path("/api/v1/namespaces/{name}/finalize");
        assertThat(strings(path.propertyNames())).containsExactlyInAnyOrder("put", "parameters");
        assertThat(path.path("put").path("operationId").asString()).isEqualTo("replaceCoreV1NamespaceFinalize");
    }

    private static List<String> finalizers(JsonNode spec) {
        return strings(spec.path("finalizers"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }

    private static List<String> strings(java.util.Collection<String> names) {
        return new ArrayList<>(names);
    }

    private static JsonNode created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return tree(response);
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return tree(response);
    }

    private static JsonNode tree(HttpResponse<String> response) {
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
