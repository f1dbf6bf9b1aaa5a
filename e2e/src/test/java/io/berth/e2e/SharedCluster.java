package io.berth.e2e;

import io.berth.testkit.ClusterHarness;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * One cluster (etcd, two api-service replicas, the gateway) for every end-to-end test of this JVM: starting one
 * costs seconds, and the tests use their own namespaces. Closed when the JVM exits.
 */
final class SharedCluster {

    private static ClusterHarness cluster;

    private SharedCluster() {
    }

    static synchronized ClusterHarness get() {
        if (cluster == null) {
            cluster = ClusterHarness.builder()
                    .apiReplicas(2)
                    .apiServiceProperty("berth.apiserver.bookmark-interval", "2s")
                    .apiServiceProperty("berth.apiserver.compaction-interval", "0s")
                    .start();
            ClusterHarness started = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "berth-e2e-cluster"));
        }
        return cluster;
    }

    /** The fabric8 client through the gateway, with the admin token from the generated kubeconfig. */
    static KubernetesClient client() {
        try {
            Config config = Config.fromKubeconfig(Files.readString(get().kubeconfig()));
            config.setRequestTimeout(30_000);
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
