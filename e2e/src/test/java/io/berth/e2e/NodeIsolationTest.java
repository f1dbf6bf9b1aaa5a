package io.berth.e2e;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes register with a bootstrap token, obtain a node credential, and then see only what the node authorizer and
 * NodeRestriction allow: node A cannot read or modify node B, B's Lease, pods bound to B, or a Secret that no pod of
 * its own references; it can read a Secret its pod references. A revoked credential is refused.
 */
class NodeIsolationTest {

    private static final String NS = "node-iso";
    private static final String BOOTSTRAP = "nodeis.0123456789abcdef";

    private static ClusterHarness cluster;
    private static Http http;
    private static Tenants admin;
    private static String nodeA;
    private static String nodeB;

    @BeforeAll
    static void setUp() {
        cluster = SharedCluster.get();
        http = new Http(cluster);
        admin = new Tenants(cluster);
        admin.admin("POST", "/api/v1/namespaces/kube-system/secrets", """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"bootstrap-token-nodeis"},
                 "type":"bootstrap.kubernetes.io/token",
                 "stringData":{"token-id":"nodeis","token-secret":"0123456789abcdef",
                               "usage-bootstrap-authentication":"true"}}""", 201, 409);
        nodeA = register("iso-a");
        nodeB = register("iso-b");
        for (String[] n : new String[][] {{"iso-a", nodeA}, {"iso-b", nodeB}}) {
            expect(201, http.send("POST", "/api/v1/nodes", n[1], "application/json", bytes(
                    "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + n[0] + "\"}}")));
            expect(201, http.send("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", n[1],
                    "application/json", bytes("{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
                            + "\"metadata\":{\"name\":\"" + n[0] + "\"},\"spec\":{\"holderIdentity\":\"" + n[0]
                            + "\",\"leaseDurationSeconds\":40}}")));
        }
        admin.admin("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":"
                + "{\"name\":\"" + NS + "\"}}", 201, 409);
        for (String s : new String[] {"for-a", "for-b", "for-nobody"}) {
            admin.admin("POST", "/api/v1/namespaces/" + NS + "/secrets", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\","
                    + "\"metadata\":{\"name\":\"" + s + "\"},\"stringData\":{\"k\":\"v\"}}", 201, 409);
        }
        pod("pod-a", "iso-a", "for-a");
        pod("pod-b", "iso-b", "for-b");
        // the node authorizer's graph is fed by the gateway's pod informer
        await().atMost(Duration.ofSeconds(10)).until(() ->
                get(nodeA, "/api/v1/namespaces/" + NS + "/secrets/for-a").statusCode() == 200);
    }

    private static String register(String node) {
        HttpResponse<String> r = expect(201, http.send("POST", "/api/v1/nodes/" + node + "/token", BOOTSTRAP,
                "application/json", bytes("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\","
                        + "\"spec\":{}}")));
        return Json.tree(bytes(r.body())).path("status").path("token").asString();
    }

    private static void pod(String name, String node, String secret) {
        admin.admin("POST", "/api/v1/namespaces/" + NS + "/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                + "\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"nodeName\":\"" + node + "\",\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"host\",\"env\":[{\"name\":\"S\",\"valueFrom\":{\"secretKeyRef\":"
                + "{\"name\":\"" + secret + "\",\"key\":\"k\"}}}]}]}}", 201, 409);
    }

    @Test
    void aNodeReadsAndUpdatesItsOwnNodeAndLease() {
        assertThat(get(nodeA, "/api/v1/nodes/iso-a").statusCode()).isEqualTo(200);
        assertThat(patch(nodeA, "/api/v1/nodes/iso-a/status", "{\"status\":{\"conditions\":[{\"type\":\"Ready\","
                + "\"status\":\"True\"}]}}").statusCode()).isEqualTo(200);
        assertThat(patch(nodeA, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/iso-a",
                "{\"spec\":{\"renewTime\":\"2026-11-27T00:00:00.000000Z\"}}").statusCode()).isEqualTo(200);
    }

    @Test
    void aNodeCannotReadOrModifyAnotherNode() {
        assertForbidden(get(nodeA, "/api/v1/nodes/iso-b"));
        assertForbidden(patch(nodeA, "/api/v1/nodes/iso-b", "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"));
        assertForbidden(patch(nodeA, "/api/v1/nodes/iso-b/status", "{\"status\":{}}"));
        assertForbidden(http.send("DELETE", "/api/v1/nodes/iso-b", nodeA, null, null));
        assertForbidden(get(nodeA, "/api/v1/nodes"));
    }

    @Test
    void aNodeCannotReadOrModifyAnotherNodesLease() {
        String lease = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/iso-b";
        assertForbidden(get(nodeA, lease));
        assertForbidden(patch(nodeA, lease, "{\"spec\":{\"holderIdentity\":\"iso-a\"}}"));
        assertForbidden(http.send("DELETE", lease, nodeA, null, null));
    }

    @Test
    void aNodeSeesOnlyThePodsBoundToIt() {
        assertThat(get(nodeA, "/api/v1/namespaces/" + NS + "/pods/pod-a").statusCode()).isEqualTo(200);
        assertForbidden(get(nodeA, "/api/v1/namespaces/" + NS + "/pods/pod-b"));
        assertForbidden(patch(nodeA, "/api/v1/namespaces/" + NS + "/pods/pod-b/status",
                "{\"status\":{\"phase\":\"Running\"}}"));
        assertForbidden(http.send("DELETE", "/api/v1/namespaces/" + NS + "/pods/pod-b", nodeA, null, null));
        assertForbidden(get(nodeA, "/api/v1/pods?fieldSelector=spec.nodeName%3Diso-b"));
        assertThat(get(nodeA, "/api/v1/pods?fieldSelector=spec.nodeName%3Diso-a").body()).contains("pod-a")
                .doesNotContain("pod-b");
    }

    @Test
    void aNodeReadsOnlyTheSecretsItsPodsReference() {
        assertThat(get(nodeA, "/api/v1/namespaces/" + NS + "/secrets/for-a").statusCode()).isEqualTo(200);
        assertForbidden(get(nodeA, "/api/v1/namespaces/" + NS + "/secrets/for-b"));
        assertForbidden(get(nodeA, "/api/v1/namespaces/" + NS + "/secrets/for-nobody"));
        assertForbidden(get(nodeA, "/api/v1/namespaces/" + NS + "/secrets"));
    }

    @Test
    void nodeRestrictionRefusesRestrictedLabelsOnItsOwnNode() {
        HttpResponse<String> r = patch(nodeA, "/api/v1/nodes/iso-a",
                "{\"metadata\":{\"labels\":{\"node-restriction.kubernetes.io/tier\":\"gold\"}}}");
        assertForbidden(r);
        assertThat(r.body()).contains("node-restriction.kubernetes.io/tier");
    }

    @Test
    void aNodeUpdatesTheStatusOfItsOwnPodButNotItsSpec() {
        assertThat(patch(nodeA, "/api/v1/namespaces/" + NS + "/pods/pod-a/status",
                "{\"status\":{\"phase\":\"Running\"}}").statusCode()).isEqualTo(200);
        assertForbidden(patch(nodeA, "/api/v1/namespaces/" + NS + "/pods/pod-a",
                "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"));
    }

    @Test
    void aRevokedNodeCredentialIsRefused() {
        String revoked = register("iso-revoked");
        assertThat(http.send("POST", "/api/v1/nodes", revoked, "application/json", bytes("{\"apiVersion\":\"v1\","
                + "\"kind\":\"Node\",\"metadata\":{\"name\":\"iso-revoked\"}}")).statusCode()).isEqualTo(201);

        admin.admin("DELETE", "/api/v1/namespaces/kube-system/secrets/node-credential-iso-revoked", null, 200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get(revoked, "/api/v1/nodes/iso-revoked").statusCode()).isEqualTo(401));
    }

    @Test
    void aNodeCannotRegisterTwice() {
        HttpResponse<String> again = http.send("POST", "/api/v1/nodes/iso-a/token", BOOTSTRAP, "application/json",
                bytes("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}"));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    }

    private static HttpResponse<String> get(String token, String path) {
        return http.send("GET", path, token, null, null);
    }

    private static HttpResponse<String> patch(String token, String path, String body) {
        return http.send("PATCH", path, token, "application/merge-patch+json", bytes(body));
    }

    private static HttpResponse<String> expect(int code, HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        return r;
    }

    private static void assertForbidden(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
