package io.berth.e2e;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** Tenant set-up through the gateway as the cluster admin: namespaces, ServiceAccounts, bindings and tokens. */
final class Tenants {

    private final ClusterHarness cluster;
    private final Http http;

    Tenants(ClusterHarness cluster) {
        this.cluster = cluster;
        this.http = new Http(cluster);
    }

    /** Creates (or keeps) a namespace and a ServiceAccount bound to {@code clusterRole} in it; returns a token. */
    String serviceAccountWithRole(String namespace, String serviceAccount, String clusterRole) {
        admin("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                + namespace + "\"}}", 201, 409);
        admin("POST", "/api/v1/namespaces/" + namespace + "/serviceaccounts", "{\"apiVersion\":\"v1\","
                + "\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"" + serviceAccount + "\"}}", 201, 409);
        admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + namespace + "/rolebindings",
                "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\""
                        + serviceAccount + "-" + clusterRole + "\"},\"roleRef\":{\"apiGroup\":"
                        + "\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"" + clusterRole + "\"},"
                        + "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"" + serviceAccount + "\","
                        + "\"namespace\":\"" + namespace + "\"}]}", 201, 409);
        String token = token(namespace, serviceAccount);
        // the gateway authorizes from informers: the new binding reaches them within moments
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                http.send("GET", "/api/v1/namespaces/" + namespace, token, null, null).statusCode() == 200);
        return token;
    }

    /** A fresh token of a ServiceAccount (TokenRequest), as {@code kubectl create token}. */
    String token(String namespace, String serviceAccount) {
        HttpResponse<String> r = admin("POST", "/api/v1/namespaces/" + namespace + "/serviceaccounts/"
                + serviceAccount + "/token", "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\","
                + "\"spec\":{}}", 201);
        return Json.tree(r.body().getBytes(StandardCharsets.UTF_8)).path("status").path("token").asString();
    }

    HttpResponse<String> admin(String method, String path, String body, int... expected) {
        HttpResponse<String> r = http.send(method, path, cluster.adminToken(),
                body == null ? null : "application/json", body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        for (int code : expected) {
            if (r.statusCode() == code) {
                return r;
            }
        }
        throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
}
