package io.berth.apiserver.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.json.Json;
import io.berth.apiserver.ApiServiceInstance;
import io.berth.apiserver.admission.Admission;
import io.berth.apiserver.auth.Requester;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The api-service's part of tenant security over HTTP, on a real etcd, called as the gateway calls it (mutual TLS,
 * X-Remote-* headers): escalation prevention against the default policy, access reviews, and NodeRestriction.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiAuthorizationTest {

    static final String RBAC = "/apis/rbac.authorization.k8s.io/v1";
    static final String AUTHZ = "/apis/authorization.k8s.io/v1";
    static final String[] ADMIN = {"system:masters"};

    EtcdProcess etcd;
    ApiServiceInstance api;

    @BeforeAll
    void start() {
        api = ApiServiceInstance.start(etcd, "/apiauth-" + UUID.randomUUID());
        created(api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"team\"}}", "admin", ADMIN));
        // alice administers namespace team with the default "admin" role (aggregated from edit and view)
        created(api.post(RBAC + "/namespaces/team/rolebindings", """
                {"metadata":{"name":"alice-admin"},
                 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"admin"},
                 "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"}]}""",
                "admin", ADMIN));
    }

    @AfterAll
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aNamespaceAdminGrantsWhatTheyHoldAndNothingMore() {
        created(api.post(RBAC + "/namespaces/team/roles", role("pod-reader", "\"\"", "pods", "get", "list"),
                "alice", "tenants"));

        HttpResponse<String> nodes = api.post(RBAC + "/namespaces/team/roles", role("node-reader", "\"\"", "nodes",
                "get"), "alice", "tenants");
        assertThat(nodes.statusCode()).as(nodes.body()).isEqualTo(403);
        assertThat(message(nodes)).isEqualTo("roles.rbac.authorization.k8s.io \"node-reader\" is forbidden: user"
                + " \"alice\" (groups=[\"tenants\" \"system:authenticated\"]) is attempting to grant RBAC permissions"
                + " not currently held:\n{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\"]}");

        created(api.post(RBAC + "/namespaces/team/rolebindings", binding("bob-admin", "ClusterRole", "admin", "bob"),
                "alice", "tenants"));
        HttpResponse<String> clusterAdmin = api.post(RBAC + "/namespaces/team/rolebindings",
                binding("bob-root", "ClusterRole", "cluster-admin", "bob"), "alice", "tenants");
        assertThat(clusterAdmin.statusCode()).as(clusterAdmin.body()).isEqualTo(403);
        assertThat(message(clusterAdmin)).startsWith("rolebindings.rbac.authorization.k8s.io \"bob-root\" is"
                + " forbidden: user \"alice\"").contains("{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}");

        HttpResponse<String> elsewhere = api.post(RBAC + "/namespaces/default/rolebindings",
                binding("bob-admin", "ClusterRole", "admin", "bob"), "alice", "tenants");
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(403);

        HttpResponse<String> roleRefChange = api.patch(RBAC + "/namespaces/team/rolebindings/bob-admin",
                "{\"roleRef\":{\"name\":\"view\"}}", "admin", ADMIN);
        assertThat(roleRefChange.statusCode()).as(roleRefChange.body()).isEqualTo(422);
    }

    @Test
    void accessReviewsAnswerWithTheClustersAuthorizers() throws IOException {
        JsonNode self = review(api.post(AUTHZ + "/selfsubjectaccessreviews", """
                {"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1",
                 "spec":{"resourceAttributes":{"namespace":"team","verb":"delete","resource":"pods"}}}""",
                "alice", "tenants"));
        assertThat(self.path("status").path("allowed").asBoolean()).isTrue();

        byte[] kubectl;
        try (InputStream in = getClass().getResourceAsStream("/protobuf/kubectl-1.32/create-selfsubjectaccessreview.bin")) {
            kubectl = in.readAllBytes();
        }
        JsonNode canI = review(api.send("POST", AUTHZ + "/selfsubjectaccessreviews",
                "application/vnd.kubernetes.protobuf", kubectl, "alice", "tenants"));
        assertThat(canI.path("spec").path("resourceAttributes").path("namespace").asString()).isEqualTo("default");
        assertThat(canI.path("status").path("allowed").asBoolean()).isFalse();
        assertThat(canI.path("status").has("denied")).isFalse();

        JsonNode subject = review(api.post(AUTHZ + "/subjectaccessreviews", """
                {"spec":{"user":"alice","groups":["tenants"],
                         "resourceAttributes":{"namespace":"team","verb":"create","group":"rbac.authorization.k8s.io",
                                               "resource":"rolebindings"}}}""", "admin", ADMIN));
        assertThat(subject.path("status").path("allowed").asBoolean()).isTrue();

        JsonNode node = review(api.post(AUTHZ + "/subjectaccessreviews", """
                {"spec":{"user":"system:node:n1","groups":["system:nodes"],
                         "resourceAttributes":{"verb":"update","resource":"nodes","name":"n2"}}}""",
                "admin", ADMIN));
        assertThat(node.path("status").path("allowed").asBoolean()).isFalse();
        assertThat(node.path("status").path("denied").asBoolean()).isTrue();

        JsonNode local = review(api.post(AUTHZ + "/namespaces/team/localsubjectaccessreviews", """
                {"spec":{"user":"alice","resourceAttributes":{"verb":"get","resource":"secrets"}}}""",
                "admin", ADMIN));
        assertThat(local.path("spec").path("resourceAttributes").path("namespace").asString()).isEqualTo("team");
        assertThat(local.path("status").path("allowed").asBoolean()).isTrue();

        HttpResponse<String> nobody = api.post(AUTHZ + "/subjectaccessreviews",
                "{\"spec\":{\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"pods\"}}}", "admin", ADMIN);
        assertThat(nobody.statusCode()).as(nobody.body()).isEqualTo(422);
        assertThat(message(nobody)).contains("spec.user: Invalid value: \"\": at least one of user or group must be"
                + " specified");

        HttpResponse<String> otherNamespace = api.post(AUTHZ + "/namespaces/team/localsubjectaccessreviews",
                "{\"spec\":{\"user\":\"alice\",\"resourceAttributes\":{\"namespace\":\"prod\",\"verb\":\"get\","
                        + "\"resource\":\"pods\"}}}", "admin", ADMIN);
        assertThat(otherNamespace.statusCode()).as(otherNamespace.body()).isEqualTo(400);
        assertThat(message(otherNamespace)).isEqualTo("spec.resourceAttributes.namespace must match namespace: team");

        HttpResponse<String> nonResource = api.post(AUTHZ + "/namespaces/team/localsubjectaccessreviews",
                "{\"spec\":{\"user\":\"alice\",\"nonResourceAttributes\":{\"verb\":\"get\",\"path\":\"/healthz\"}}}",
                "admin", ADMIN);
        assertThat(nonResource.statusCode()).as(nonResource.body()).isEqualTo(422);
    }

    @Test
    void aNodeChangesOnlyWhatIsItsOwn() {
        String[] n1 = {"system:nodes"};
        for (String node : new String[] {"n1", "n2"}) {
            created(api.post("/api/v1/nodes", "{\"metadata\":{\"name\":\"" + node + "\"}}", "admin", ADMIN));
        }
        for (String[] pod : new String[][] {{"p1", "n1"}, {"p2", "n2"}}) {
            created(api.post("/api/v1/namespaces/team/pods", "{\"metadata\":{\"name\":\"" + pod[0] + "\"},"
                    + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}", "admin", ADMIN));
            created(api.post("/api/v1/namespaces/team/pods/" + pod[0] + "/binding",
                    "{\"target\":{\"kind\":\"Node\",\"name\":\"" + pod[1] + "\"}}", "system:kube-scheduler"));
        }

        assertRefused(api.patch("/api/v1/nodes/n2", "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}", "system:node:n1",
                n1), "nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"");
        assertRefused(api.patch("/api/v1/nodes/n1",
                        "{\"metadata\":{\"labels\":{\"node-restriction.kubernetes.io/pool\":\"gold\"}}}",
                        "system:node:n1", n1),
                "nodes \"n1\" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pool");
        assertThat(api.patch("/api/v1/nodes/n1", "{\"metadata\":{\"labels\":{\"disk\":\"ssd\"}}}", "system:node:n1",
                n1).statusCode()).isEqualTo(200);

        assertThat(api.patch("/api/v1/namespaces/team/pods/p1/status", "{\"status\":{\"phase\":\"Running\"}}",
                "system:node:n1", n1).statusCode()).isEqualTo(200);
        assertRefused(api.patch("/api/v1/namespaces/team/pods/p2/status", "{\"status\":{\"phase\":\"Running\"}}",
                "system:node:n1", n1), "pods \"p2\" is forbidden: node \"n1\" can only update pod status for pods"
                + " with spec.nodeName set to itself");
        assertRefused(api.post("/api/v1/namespaces/team/pods", "{\"metadata\":{\"name\":\"mirror\"},"
                        + "\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}",
                "system:node:n1", n1), "pods \"mirror\" is forbidden: node \"n1\" can not create pods: Berth has no"
                + " static or mirror pods");

        assertRefused(api.delete("/api/v1/namespaces/team/pods/p1", "system:node:n1", n1), "pods \"p1\" is"
                + " forbidden: node \"n1\" can only delete pods that are terminating (metadata.deletionTimestamp set)"
                + " or finished (status.phase Succeeded or Failed)");
        assertThat(api.delete("/api/v1/namespaces/team/pods/p1", "admin", ADMIN).statusCode()).isEqualTo(200);
        HttpResponse<String> finished = api.delete("/api/v1/namespaces/team/pods/p1?gracePeriodSeconds=0",
                "system:node:n1", n1);
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
        assertThat(api.get("/api/v1/namespaces/team/pods/p1", "admin", ADMIN).statusCode()).isEqualTo(404);

        created(api.post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
                "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"holderIdentity\":\"n1\"}}", "system:node:n1", n1));
        assertRefused(api.post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
                        "{\"metadata\":{\"name\":\"n2\"},\"spec\":{\"holderIdentity\":\"n1\"}}", "system:node:n1", n1),
                "leases.coordination.k8s.io \"n2\" is forbidden: can only access node lease with the same name as"
                        + " the requesting node");
    }

    @Test
    void aNodeGetsServiceAccountTokensOnlyForPodsBoundToIt() {
        created(api.post("/api/v1/namespaces/team/pods", "{\"metadata\":{\"name\":\"tok\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}", "admin", ADMIN));
        created(api.post("/api/v1/namespaces/team/pods/tok/binding",
                "{\"target\":{\"kind\":\"Node\",\"name\":\"n3\"}}", "system:kube-scheduler"));
        String uid = Json.tree(api.get("/api/v1/namespaces/team/pods/tok", "admin", ADMIN).body()
                .getBytes(StandardCharsets.UTF_8)).path("metadata").path("uid").asString();
        Admission admission = api.bean(Admission.class);

        admission.admitTokenRequest(node("n3"), "team", "default", tokenFor("tok", uid)).join();
        assertThatThrownBy(() -> admission.admitTokenRequest(node("n4"), "team", "default", tokenFor("tok", uid))
                .join()).hasCauseInstanceOf(ApiException.class).cause().hasMessage("serviceaccounts \"default\" is"
                + " forbidden: node requested token bound to a pod scheduled on a different node");
        assertThatThrownBy(() -> admission.admitTokenRequest(node("n3"), "team", "default", tokenFor("gone", uid))
                .join()).cause().hasMessage("pods \"gone\" not found");
        assertThatThrownBy(() -> admission.admitNodeToken(node("n3"), "n4"))
                .hasMessage("nodes \"n4\" is forbidden: node \"n3\" is not allowed to modify node \"n4\"");
    }

    private static Requester node(String name) {
        return Requester.of(UserInfo.of("system:node:" + name, "", List.of("system:nodes", "system:authenticated")));
    }

    private static TokenRequest tokenFor(String pod, String uid) {
        return new TokenRequestBuilder().withNewSpec().withAudiences("api").withNewBoundObjectRef()
                .withApiVersion("v1").withKind("Pod").withName(pod).withUid(uid).endBoundObjectRef().endSpec()
                .build();
    }

    private static String role(String name, String group, String resource, String... verbs) {
        return "{\"metadata\":{\"name\":\"" + name + "\"},\"rules\":[{\"apiGroups\":[" + group + "],\"resources\":[\""
                + resource + "\"],\"verbs\":[\"" + String.join("\",\"", verbs) + "\"]}]}";
    }

    private static String binding(String name, String kind, String role, String user) {
        return "{\"metadata\":{\"name\":\"" + name + "\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                + "\"kind\":\"" + kind + "\",\"name\":\"" + role + "\"},\"subjects\":[{\"kind\":\"User\","
                + "\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":\"" + user + "\"}]}";
    }

    private static void created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static JsonNode review(HttpResponse<String> response) {
        created(response);
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(HttpResponse<String> response, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(message(response)).isEqualTo(message);
    }

    private static String message(HttpResponse<String> response) {
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).path("message").asString("");
    }
}
