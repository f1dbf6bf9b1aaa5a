package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway authorizes from informers that follow one api-service replica; when that replica goes away for good,
 * they move to another, so policy changes made meanwhile still take effect (a stale cache would keep enforcing
 * revoked bindings forever).
 */
class GatewayInformerFailoverTest {

    private static final String NS = "informer-failover";

    @Test
    void aBindingCreatedAfterTheWatchedReplicaStoppedStillTakesEffect() {
        ClusterHarness cluster = SharedCluster.get();
        Tenants tenants = new Tenants(cluster);
        Http http = new Http(cluster);
        String token = tenants.serviceAccountWithRole(NS, "dev", "view");
        String create = "/api/v1/namespaces/" + NS + "/configmaps?dryRun=All";
        byte[] configMap = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(http.send("POST", create, token, "application/json", configMap).statusCode()).isEqualTo(403);

        cluster.stopApiService(0);
        try {
            String binding = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\",\"metadata\":"
                    + "{\"name\":\"dev-edit\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":"
                    + "\"ClusterRole\",\"name\":\"edit\"},\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"dev\","
                    + "\"namespace\":\"" + NS + "\"}]}";
            // a POST is not retried by the gateway: the first may meet the stopped replica
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                HttpResponse<String> r = http.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + NS
                        + "/rolebindings", cluster.adminToken(), "application/json",
                        binding.getBytes(StandardCharsets.UTF_8));
                return r.statusCode() == 201 || r.statusCode() == 409;
            });

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                    http.send("POST", create, token, "application/json", configMap).statusCode() == 201);
        } finally {
            cluster.startApiService(0);
        }
    }
}
