package io.berth.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The objects the benchmarks write: a namespace and a small, ordinary pod (one container, requests, labels). */
final class Pods {

    private Pods() {
    }

    static String podsPath(String namespace) {
        return "/api/v1/namespaces/" + namespace + "/pods";
    }

    static String podPath(String namespace, String name) {
        return podsPath(namespace) + "/" + name;
    }

    /** A pod as a client would send it; {@code name} must be a DNS label. */
    static byte[] pod(String name) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\","
                + "\"labels\":{\"app\":\"bench\",\"tier\":\"backend\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.local/bench/app:1.0\","
                + "\"ports\":[{\"containerPort\":8080}],"
                + "\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"}}}]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Creates a namespace through the gateway (201). */
    static void createNamespace(GatewayClient client, String name) {
        byte[] ns = ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        GatewayClient.expect(201, client.post("/api/v1/namespaces", ns)).block(Duration.ofSeconds(30));
    }
}
