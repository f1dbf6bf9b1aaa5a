package io.berth.apiserver.bootstrap;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.rbac.BootstrapPolicy;
import io.berth.apiserver.ApiServiceInstance;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The default RBAC policy on a real etcd: created by racing replicas, never overwritten, restored when deleted. */
@ExtendWith(EtcdExtension.class)
class BootstrapPolicyTest {

    static final String RBAC = "/apis/rbac.authorization.k8s.io/v1";

    EtcdProcess etcd;

    @Test
    void replicasStartingTogetherCreateThePolicyOnceAndLaterStartsKeepAnAdministratorsEdit() {
        String prefix = "/bootstrap-" + UUID.randomUUID();
        CompletableFuture<ApiServiceInstance> first = CompletableFuture.supplyAsync(
                () -> ApiServiceInstance.start(etcd, prefix));
        CompletableFuture<ApiServiceInstance> second = CompletableFuture.supplyAsync(
                () -> ApiServiceInstance.start(etcd, prefix));
        try (ApiServiceInstance a = first.join(); ApiServiceInstance b = second.join()) {
            for (ApiServiceInstance replica : List.of(a, b)) {
                assertThat(names(replica, "/clusterroles")).containsAll(names(BootstrapPolicy.clusterRoles()));
                assertThat(names(replica, "/clusterrolebindings"))
                        .containsAll(names(BootstrapPolicy.clusterRoleBindings()));
                assertThat(names(replica, "/roles")).containsAll(names(BootstrapPolicy.roles()));
                assertThat(names(replica, "/rolebindings")).containsAll(names(BootstrapPolicy.roleBindings()));
            }
            HttpResponse<String> edited = a.patch(RBAC + "/clusterroles/view",
                    "{\"metadata\":{\"labels\":{\"edited-by\":\"ops\"}},\"rules\":[{\"apiGroups\":[\"\"],"
                            + "\"resources\":[\"configmaps\"],\"verbs\":[\"get\"]}]}", "admin", "system:masters");
            assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
            HttpResponse<String> deleted = a.delete(RBAC + "/clusterrolebindings/system:basic-user", "admin",
                    "system:masters");
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        }

        try (ApiServiceInstance restarted = ApiServiceInstance.start(etcd, prefix)) {
            JsonNode view = Json.tree(restarted.get(RBAC + "/clusterroles/view", null).body().getBytes());
            assertThat(view.path("metadata").path("labels").path("edited-by").asString("")).isEqualTo("ops");
            assertThat(view.path("rules")).hasSize(1);
            assertThat(restarted.get(RBAC + "/clusterrolebindings/system:basic-user", null).statusCode())
                    .isEqualTo(200);
        }
    }

    private static List<String> names(ApiServiceInstance replica, String collection) {
        HttpResponse<String> list = replica.get(RBAC + collection, null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode item : Json.tree(list.body().getBytes()).path("items")) {
            names.add(item.path("metadata").path("namespace").asString("") + "/"
                    + item.path("metadata").path("name").asString(""));
        }
        return names;
    }

    private static List<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(o -> (o.getMetadata().getNamespace() == null ? ""
                : o.getMetadata().getNamespace()) + "/" + o.getMetadata().getName()).toList();
    }
}
