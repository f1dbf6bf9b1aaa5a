package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood from one tenant gets 429s (with Retry-After and a Status) while another tenant's requests and a node's
 * Lease renewals, sent during the flood, keep succeeding.
 */
class FairnessTest {

    private static final int FLOOD = 400;
    /** Kubernetes' MicroTime. */
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(ZoneOffset.UTC);

    @Test
    void oneTenantsFloodDoesNotStarveAnotherTenantOrNodeLeaseRenewals() {
        ClusterHarness cluster = SharedCluster.get();
        Tenants tenants = new Tenants(cluster);
        Http http = new Http(cluster);
        String flooder = tenants.serviceAccountWithRole("fair-a", "owner", "admin");
        String neighbour = tenants.serviceAccountWithRole("fair-b", "owner", "admin");
        String node = NodeCredentials.registerNodeWithLease(cluster, "fair-node");
        String lease = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/fair-node";

        HttpClient client = cluster.httpClient();
        // at most 64 of the flood in flight at once: an HTTP/2 connection allows only so many streams
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        Thread flooding = new Thread(() -> {
            for (int i = 0; i < FLOOD; i++) {
                inFlight.acquireUninterruptibly();
                flood.add(client.sendAsync(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl()
                                + "/api/v1/namespaces/fair-a/configmaps")).header("Authorization", "Bearer " + flooder)
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, e) -> inFlight.release()));
            }
        }, "flood");
        flooding.start();
        List<Integer> neighbourCodes = new ArrayList<>();
        List<Integer> renewalCodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            neighbourCodes.add(http.send("GET", "/api/v1/namespaces/fair-b/configmaps", neighbour, null, null)
                    .statusCode());
            renewalCodes.add(http.send("PATCH", lease, node, "application/merge-patch+json",
                    ("{\"spec\":{\"renewTime\":\"" + MICRO_TIME.format(Instant.now()) + "\"}}").getBytes(StandardCharsets.UTF_8))
                    .statusCode());
        }
        try {
            flooding.join(Duration.ofMinutes(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<HttpResponse<String>> flooded = flood.stream().map(CompletableFuture::join).toList();

        List<HttpResponse<String>> refused = flooded.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(refused).as("the flood is limited").isNotEmpty();
        assertThat(refused.get(0).headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.get(0).body()).contains("\"reason\":\"TooManyRequests\"");
        assertThat(flooded).allMatch(r -> r.statusCode() == 200 || r.statusCode() == 429);
        assertThat(neighbourCodes).as("the other tenant, during the flood").containsOnly(200);
        assertThat(renewalCodes).as("node Lease renewals, during the flood").containsOnly(200);
    }
}
