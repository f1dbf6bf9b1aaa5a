package io.berth.node.pods;

import io.berth.node.images.Image;
import io.berth.node.images.Rootfs;
import io.berth.node.runtime.ContainerPlan;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A pod, an image, a node and the ConfigMaps and Secrets the planner tables share. */
final class Fixtures {

    static final ContainerPlanner.Node NODE = new ContainerPlanner.Node("node-a", "192.0.2.10",
            Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")));
    static final String POD_IP = "10.244.0.7";
    static final Image IMAGE = new Image("app:1", "sha256:" + "1".repeat(64), List.of("/entry"), List.of("serve"),
            List.of("PATH=/bin", "IMAGE_VAR=from-image"), "/srv", "");
    static final Rootfs ROOTFS = new Rootfs(Path.of("/var/lib/berth/containers/c1/rootfs"), List.of());
    static final Path LOG = Path.of("/var/log/berth/pods/shop_web-0_uid-1/app/0.log");

    /** ConfigMap {@code settings}: one valid key, and keys no variable may be named after. */
    static final ConfigMap SETTINGS = new ConfigMapBuilder().withNewMetadata().withName("settings").withNamespace("shop")
            .endMetadata().withData(ordered("LOG_LEVEL", "debug", "1NUMERIC", "x", "dotted.key", "y", "REF", "$(LOG_LEVEL)"))
            .build();
    /** Secret {@code creds}: user=admin, pass=s3cret. */
    static final Secret CREDS = new SecretBuilder().withNewMetadata().withName("creds").withNamespace("shop")
            .endMetadata().withData(ordered("user", base64("admin"), "pass", base64("s3cret"))).build();

    static final EnvSources SOURCES = new EnvSources() {
        @Override
        public Optional<ConfigMap> configMap(String namespace, String name) {
            return namespace.equals("shop") && name.equals("settings") ? Optional.of(SETTINGS) : Optional.empty();
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            return namespace.equals("shop") && name.equals("creds") ? Optional.of(CREDS) : Optional.empty();
        }
    };

    static final ContainerPlanner PLANNER = new ContainerPlanner(NODE, SOURCES, 1024);

    private Fixtures() {
    }

    static ContainerBuilder container() {
        return new ContainerBuilder().withName("app").withImage("app:1");
    }

    static PodBuilder pod(Container container) {
        return new PodBuilder()
                .withNewMetadata().withName("web-0").withNamespace("shop").withUid("uid-1")
                .withLabels(Map.of("app", "web", "tier", "front")).withAnnotations(Map.of("team", "checkout"))
                .endMetadata()
                .withNewSpec().withNodeName("node-a").withServiceAccountName("shop-sa").withContainers(container)
                .endSpec();
    }

    static ContainerPlan plan(Pod pod, Image image, UserLookup users) {
        Container container = pod.getSpec().getContainers().get(0);
        return PLANNER.plan(new ContainerPlanner.Request(pod, container, image, ROOTFS, List.of(), "c1", LOG, POD_IP, 0,
                users));
    }

    static ContainerPlan plan(Container container) {
        return plan(pod(container).build(), IMAGE, UserLookup.NONE);
    }

    static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> ordered(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
