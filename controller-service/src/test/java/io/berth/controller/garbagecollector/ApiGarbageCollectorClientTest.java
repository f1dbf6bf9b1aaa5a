package io.berth.controller.garbagecollector;

import io.berth.apimachinery.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.berth.controller.garbagecollector.Fixtures.CLUSTER_ROLES;
import static io.berth.controller.garbagecollector.Fixtures.podRef;
import static io.berth.controller.garbagecollector.Fixtures.rsObjectRef;
import static io.berth.controller.garbagecollector.Fixtures.rsRef;
import static org.assertj.core.api.Assertions.assertThat;

class ApiGarbageCollectorClientTest {

    @Test
    void pathsFollowTheResourceGroupAndScope() {
        assertThat(ApiGarbageCollectorClient.path(podRef("p", "u"))).isEqualTo("/api/v1/namespaces/default/pods/p");
        assertThat(ApiGarbageCollectorClient.path(rsObjectRef("rs", "u")))
                .isEqualTo("/apis/apps/v1/namespaces/default/replicasets/rs");
        assertThat(ApiGarbageCollectorClient.path(new ObjectRef(CLUSTER_ROLES, null, "r", "u")))
                .isEqualTo("/apis/rbac.authorization.k8s.io/v1/clusterroles/r");
    }

    @Test
    void aDeleteCarriesItsPolicyAndUidAndResourceVersionPreconditions() {
        JsonNode options = tree(ApiGarbageCollectorClient.deleteOptions(
                new Action.Delete(podRef("p", "u-p"), "10", Action.BACKGROUND)));

        assertThat(options.path("kind").asString()).isEqualTo("DeleteOptions");
        assertThat(options.path("propagationPolicy").asString()).isEqualTo("Background");
        assertThat(options.path("preconditions").path("uid").asString()).isEqualTo("u-p");
        assertThat(options.path("preconditions").path("resourceVersion").asString()).isEqualTo("10");
    }

    @Test
    void aDeleteWithoutResourceVersionIsGuardedByTheUidAlone() {
        JsonNode options = tree(ApiGarbageCollectorClient.deleteOptions(
                new Action.Delete(podRef("p", "u-p"), null, Action.FOREGROUND)));

        assertThat(options.path("preconditions").has("resourceVersion")).isFalse();
        assertThat(options.path("propagationPolicy").asString()).isEqualTo("Foreground");
    }

    @Test
    void anOwnerReferencesPatchReplacesTheListGuardedByUidAndResourceVersion() {
        JsonNode patch = tree(ApiGarbageCollectorClient.metadataPatch(podRef("p", "u-p"), "10", "ownerReferences",
                List.of(rsRef("rs", "u-rs"))));

        JsonNode metadata = patch.path("metadata");
        assertThat(metadata.path("uid").asString()).isEqualTo("u-p");
        assertThat(metadata.path("resourceVersion").asString()).isEqualTo("10");
        assertThat(metadata.path("ownerReferences").size()).isOne();
        assertThat(metadata.path("ownerReferences").get(0).path("uid").asString()).isEqualTo("u-rs");
        assertThat(metadata.path("ownerReferences").get(0).path("blockOwnerDeletion").asBoolean()).isTrue();
    }

    @Test
    void anEmptyListIsWrittenAsNullSoTheFieldIsRemoved() {
        JsonNode patch = tree(ApiGarbageCollectorClient.metadataPatch(rsObjectRef("rs", "u-rs"), "2", "finalizers",
                List.of()));

        assertThat(patch.path("metadata").has("finalizers")).isTrue();
        assertThat(patch.path("metadata").get("finalizers").isNull()).isTrue();
    }

    private static JsonNode tree(String json) {
        return Json.tree(json.getBytes(StandardCharsets.UTF_8));
    }
}
