package io.berth.controller.garbagecollector;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import org.junit.jupiter.api.Test;

import static io.berth.controller.garbagecollector.Fixtures.PODS;
import static io.berth.controller.garbagecollector.Fixtures.REPLICA_SETS;
import static io.berth.controller.garbagecollector.Fixtures.ref;
import static org.assertj.core.api.Assertions.assertThat;

class KindsTest {

    private final Kinds kinds = new Kinds(ResourceRegistry.builtIn());

    @Test
    void everyListableKindIsMonitoredButEvents() {
        assertThat(kinds.monitored()).extracting(ResourceType::kind)
                .contains("Pod", "ReplicaSet", "Deployment", "Namespace", "Node", "ConfigMap", "Secret", "Lease",
                        "ClusterRole", "EndpointSlice")
                .doesNotContain("Event", "SubjectAccessReview", "SelfSubjectReview");
    }

    @Test
    void aReferenceResolvesByGroupAndKindWhateverItsVersion() {
        assertThat(kinds.of(ref("apps/v1", "ReplicaSet", "rs", "u", true))).contains(REPLICA_SETS);
        assertThat(kinds.of(ref("apps/v1beta2", "ReplicaSet", "rs", "u", true))).contains(REPLICA_SETS);
        assertThat(kinds.of(ref("v1", "Pod", "p", "u", true))).contains(PODS);
        assertThat(kinds.of(ref("example.com/v1", "Widget", "w", "u", true))).isEmpty();
        assertThat(kinds.of(ref("extensions/v1beta1", "ReplicaSet", "rs", "u", true)))
                .as("another group is another kind").isEmpty();
    }
}
