package io.berth.e2e;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Registers simulated nodes the way a node agent does: bootstrap token → node credential → Node and Lease. */
final class NodeCredentials {

    static final String BOOTSTRAP = "e2eboo.0123456789abcdef";

    private NodeCredentials() {
    }

    /** A bootstrap token Secret in kube-system (kept if it exists). */
    static void ensureBootstrapToken(ClusterHarness cluster) {
        new Tenants(cluster).admin("POST", "/api/v1/namespaces/kube-system/secrets", """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"bootstrap-token-e2eboo"},
                 "type":"bootstrap.kubernetes.io/token",
                 "stringData":{"token-id":"e2eboo","token-secret":"0123456789abcdef",
                               "usage-bootstrap-authentication":"true"}}""", 201, 409);
    }

    /** The node's credential, after it created its Node and its Lease with it. */
    static String registerNodeWithLease(ClusterHarness cluster, String node) {
        ensureBootstrapToken(cluster);
        Http http = new Http(cluster);
        HttpResponse<String> r = http.send("POST", "/api/v1/nodes/" + node + "/token", BOOTSTRAP, "application/json",
                bytes("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}"));
        if (r.statusCode() != 201) {
            throw new IllegalStateException("node registration answered " + r.statusCode() + ": " + r.body());
        }
        String token = Json.tree(bytes(r.body())).path("status").path("token").asString();
        expect(http.send("POST", "/api/v1/nodes", token, "application/json", bytes(
                "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + node + "\"}}")));
        expect(http.send("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", token,
                "application/json", bytes("{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
                        + "\"metadata\":{\"name\":\"" + node + "\"},\"spec\":{\"holderIdentity\":\"" + node
                        + "\",\"leaseDurationSeconds\":40}}")));
        return token;
    }

    private static void expect(HttpResponse<String> r) {
        if (r.statusCode() != 201) {
            throw new IllegalStateException(r.request().method() + " " + r.request().uri() + " answered "
                    + r.statusCode() + ": " + r.body());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
