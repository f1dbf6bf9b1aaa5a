package io.berth.e2e;

import io.berth.testkit.ClusterHarness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Raw HTTP to the gateway, for what a typed client would never send. */
final class Http {

    private final HttpClient client;
    private final String base;
    private final boolean patient;

    Http(ClusterHarness cluster) {
        this(cluster.httpClient(), cluster.gatewayUrl(), false);
    }

    private Http(HttpClient client, String base, boolean patient) {
        this.client = client;
        this.base = base;
        this.patient = patient;
    }

    /** The same client, retrying a 429 after its Retry-After, as client-go does (up to a minute). */
    Http patient() {
        return new Http(client, base, true);
    }

    HttpResponse<String> send(String method, String path, String token, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            HttpRequest request = b.build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (patient && response.statusCode() == 429 && System.nanoTime() < deadline) {
                long seconds = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
                // the retry is scheduled after Retry-After, as the server asked
                response = CompletableFuture.supplyAsync(() -> client.sendAsync(request,
                                HttpResponse.BodyHandlers.ofString()).join(),
                        CompletableFuture.delayedExecutor(Math.min(seconds, 5), TimeUnit.SECONDS)).join();
            }
            return response;
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }
}
