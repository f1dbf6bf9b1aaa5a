package io.berth.apiserver.admission;

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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** DefaultTolerationSeconds over HTTP on a real etcd, with Kubernetes' default of 300 s. */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DefaultTolerationSecondsApiTest {

    static final String PODS = "/api/v1/namespaces/default/pods";
    static final String[] ADMIN = {"system:masters"};
    static final String DEFAULTS = """
            [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
              "tolerationSeconds": 300},
             {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
              "tolerationSeconds": 300}]""";

    EtcdProcess etcd;
    ApiServiceInstance api;

    @BeforeAll
    void start() {
        api = ApiServiceInstance.start(etcd, "/tolerations-" + UUID.randomUUID());
    }

    @AfterAll
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void a_created_pod_is_stored_with_both_default_tolerations_of_300_seconds() {
        HttpResponse<String> created = api.post(PODS, pod("plain"), "admin", ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        HttpResponse<String> read = api.get(PODS + "/plain", "admin", ADMIN);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(tree(read).path("spec").path("tolerations")).isEqualTo(Json.tree(bytes(DEFAULTS)));
    }

    @Test
    void a_dry_run_create_answers_with_both_default_tolerations_and_stores_nothing() {
        HttpResponse<String> answered = api.post(PODS + "?dryRun=All", pod("rehearsed"), "admin", ADMIN);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(201);
        assertThat(tree(answered).path("spec").path("tolerations")).isEqualTo(Json.tree(bytes(DEFAULTS)));
        assertThat(api.get(PODS + "/rehearsed", "admin", ADMIN).statusCode()).isEqualTo(404);
    }

    @Test
    void a_replacing_put_that_leaves_the_default_tolerations_out_gets_them_back() {
        HttpResponse<String> created = api.post(PODS, pod("replaced"), "admin", ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String rv = tree(created).path("metadata").path("resourceVersion").asText();

        String replacement = "{\"metadata\":{\"name\":\"replaced\",\"resourceVersion\":\"" + rv
                + "\",\"labels\":{\"edited\":\"yes\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"busybox\"}]}}";
        HttpResponse<String> put = api.put(PODS + "/replaced", replacement, "admin", ADMIN);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(tree(put).path("metadata").path("labels").path("edited").asText()).isEqualTo("yes");
        assertThat(tree(put).path("spec").path("tolerations")).isEqualTo(Json.tree(bytes(DEFAULTS)));
    }

    static String pod(String name) {
        return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"busybox\"}]}}";
    }

    private static JsonNode tree(HttpResponse<String> response) {
        return Json.tree(bytes(response.body()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
