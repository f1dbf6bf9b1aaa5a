package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The real fabric8 client through the gateway with a bearer token, against two api-service replicas. */
class Fabric8ClientTest {

    private static final String NS = "fabric8-e2e";
    private static KubernetesClient client;

    @BeforeAll
    static void setUp() {
        client = SharedCluster.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    @AfterAll
    static void tearDown() {
        client.close();
    }

    private static Pod pod(String name, Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("busybox:1.36")
                .withCommand("sleep", "3600").endContainer().endSpec().build();
    }

    @Test
    void createGetListAndDeleteAPod() {
        Pod created = client.pods().inNamespace(NS).resource(pod("crud", Map.of("app", "web", "tier", "front")))
                .create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getMetadata().getResourceVersion()).isNotBlank();
        assertThat(created.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(created.getSpec().getRestartPolicy()).as("defaulted").isEqualTo("Always");

        Pod got = client.pods().inNamespace(NS).withName("crud").get();
        assertThat(got.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());

        client.pods().inNamespace(NS).resource(pod("other", Map.of("app", "db"))).create();
        assertThat(client.pods().inNamespace(NS).withLabel("app", "web").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("crud");
        assertThat(client.pods().inNamespace(NS).withLabelIn("app", "web", "db").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("crud", "other");
        assertThat(client.pods().inNamespace(NS).withoutLabel("tier").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("other");
        assertThat(client.pods().inNamespace(NS).withField("metadata.name", "other").list().getItems())
                .hasSize(1);
        assertThat(client.pods().inAnyNamespace().withField("status.phase", "Pending").list().getItems())
                .extracting(p -> p.getMetadata().getName()).contains("crud", "other");

        assertThat(client.pods().inNamespace(NS).withName("crud").delete()).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(NS).withName("crud").get() == null);
    }

    @Test
    void anUpdateWithAStaleResourceVersionIsAConflict() {
        ConfigMap cm = client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("stale").endMetadata().withData(Map.of("k", "1")).build()).create();
        ConfigMap fresh = client.configMaps().inNamespace(NS).withName("stale")
                .edit(c -> new ConfigMapBuilder(c).withData(Map.of("k", "2")).build());
        assertThat(fresh.getMetadata().getResourceVersion()).isNotEqualTo(cm.getMetadata().getResourceVersion());

        ConfigMap stale = new ConfigMapBuilder(cm).withData(Map.of("k", "3")).build();
        assertThatThrownBy(() -> client.configMaps().inNamespace(NS).resource(stale).update())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409))
                .satisfies(e -> assertThat(((KubernetesClientException) e).getStatus().getReason())
                        .isEqualTo("Conflict"));
        assertThat(client.configMaps().inNamespace(NS).withName("stale").get().getData()).containsEntry("k", "2");
    }

    @Test
    void allThreePatchTypesApply() {
        client.pods().inNamespace(NS).resource(pod("patched", Map.of("app", "p"))).create();

        Pod merged = client.pods().inNamespace(NS).withName("patched").patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"merge\":\"yes\"}}}");
        assertThat(merged.getMetadata().getLabels()).containsEntry("merge", "yes").containsEntry("app", "p");

        Pod jsonPatched = client.pods().inNamespace(NS).withName("patched").patch(PatchContext.of(PatchType.JSON),
                "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"json\":\"patch\"}},"
                        + "{\"op\":\"remove\",\"path\":\"/metadata/labels/merge\"}]");
        assertThat(jsonPatched.getMetadata().getAnnotations()).containsEntry("json", "patch");
        assertThat(jsonPatched.getMetadata().getLabels()).doesNotContainKey("merge");

        Pod strategic = client.pods().inNamespace(NS).withName("patched").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                "{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"busybox:1.37\"}]}}");
        assertThat(strategic.getSpec().getContainers()).hasSize(1);
        assertThat(strategic.getSpec().getContainers().get(0).getImage()).isEqualTo("busybox:1.37");
        assertThat(strategic.getSpec().getContainers().get(0).getCommand()).as("merged by name, not replaced")
                .containsExactly("sleep", "3600");
    }

    @Test
    void anInformerSeesEveryChangeWhileTheReplicaItWatchesThroughIsStopped() {
        ClusterHarness cluster = SharedCluster.get();
        List<String> events = new CopyOnWriteArrayList<>();
        SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(NS)
                .withLabel("informer", "yes").inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap obj) {
                        events.add("add:" + obj.getMetadata().getName() + "=" + obj.getData().get("v"));
                    }

                    @Override
                    public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                        if (!oldObj.getMetadata().getResourceVersion().equals(newObj.getMetadata().getResourceVersion())) {
                            events.add("update:" + newObj.getMetadata().getName() + "=" + newObj.getData().get("v"));
                        }
                    }

                    @Override
                    public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                        events.add("delete:" + obj.getMetadata().getName());
                    }
                });
        try {
            create("inf-a", "1");
            await().atMost(Duration.ofSeconds(20)).until(() -> events.contains("add:inf-a=1"));

            for (int replica = 0; replica < cluster.apiReplicas(); replica++) {
                cluster.stopApiService(replica);
                Http http = new Http(cluster);
                for (int i = 0; i < 2 * cluster.apiReplicas(); i++) {
                    assertThat(http.send("GET", "/api/v1/namespaces/" + NS + "/configmaps", cluster.adminToken(),
                            null, null).statusCode()).as("a GET is retried on a live replica").isEqualTo(200);
                }
                String name = "inf-r" + replica;
                String aValue = "r" + replica;
                retrying(() -> create(name, "1"));
                retrying(() -> setValue("inf-a", aValue));
                retrying(() -> client.configMaps().inNamespace(NS).withName(name).delete());
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(events)
                        .contains("add:" + name + "=1", "update:inf-a=" + aValue, "delete:" + name));
                cluster.startApiService(replica);
            }
            assertThat(events).as("each change seen exactly once")
                    .containsOnlyOnce("add:inf-a=1", "add:inf-r0=1", "delete:inf-r0", "update:inf-a=r0",
                            "add:inf-r1=1", "delete:inf-r1", "update:inf-a=r1");
            assertThat(informer.getStore().list()).extracting(c -> c.getMetadata().getName()).containsExactly("inf-a");
        } finally {
            informer.close();
            for (int replica = 0; replica < cluster.apiReplicas(); replica++) {
                cluster.startApiService(replica);
            }
        }
    }

    private void create(String name, String value) {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("informer", "yes")).endMetadata().withData(Map.of("v", value)).build()).create();
    }

    private void setValue(String name, String value) {
        client.configMaps().inNamespace(NS).withName(name).edit(c -> new ConfigMapBuilder(c)
                .withData(Map.of("v", value)).build());
    }

    /** Retries a write that the gateway could not deliver because the replica it chose had just died. */
    private static void retrying(Runnable write) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k
                        && (k.getCode() == 502 || k.getCode() == 503 || k.getCode() == 500 || k.getCode() == 0))
                .until(() -> {
                    write.run();
                    return true;
                });
    }
}
