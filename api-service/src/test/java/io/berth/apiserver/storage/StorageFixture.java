package io.berth.apiserver.storage;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.storage.EtcdKeys;
import io.berth.apiserver.config.ApiServerProperties;
import io.berth.apiserver.watch.WatchCaches;
import io.berth.testkit.EtcdProcess;
import io.etcd.jetcd.Client;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import org.springframework.util.unit.DataSize;

import javax.net.ssl.SSLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real etcd client, store and watch caches for storage tests, each fixture under its own key prefix so tests of
 * one class never see each other's objects.
 */
final class StorageFixture implements AutoCloseable {

    static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    static final ResourceType CONFIGMAPS = REGISTRY.find("", "v1", "configmaps").orElseThrow();
    static final ResourceType PODS = REGISTRY.find("", "v1", "pods").orElseThrow();

    final Client client;
    final EtcdStore store;
    final String prefix = "/test-" + UUID.randomUUID();

    StorageFixture(EtcdProcess etcd) {
        this.client = client(etcd);
        this.store = new EtcdStore(client, new EtcdKeys(prefix), ValueTransformer.IDENTITY, 1_572_864);
    }

    static Client client(EtcdProcess etcd) {
        try {
            return Client.builder()
                    .endpoints(etcd.endpoint())
                    .sslContext(ssl -> ssl.trustManager(etcd.caCert().toFile())
                            .keyManager(etcd.clientCert().toFile(), etcd.clientKey().toFile()))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    WatchCaches caches(int capacity, Duration bookmarkInterval) {
        ApiServerProperties props = new ApiServerProperties(List.of("system:berth-gateway"), capacity,
                bookmarkInterval, Duration.ofMillis(500), Duration.ofSeconds(60), DataSize.ofMegabytes(3),
                DataSize.ofKilobytes(1536), Duration.ofHours(1), Duration.ZERO, 1000);
        WatchCaches caches = new WatchCaches(REGISTRY, store, client, props);
        caches.start();
        caches.ready().join();
        return caches;
    }

    static ConfigMap configMap(String namespace, String name, Map<String, String> data) {
        return new ConfigMapBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withUid(UUID.randomUUID().toString())
                .endMetadata()
                .withData(data)
                .build();
    }

    Stored create(String namespace, String name, String value) {
        return store.create(CONFIGMAPS, configMap(namespace, name, Map.of("v", value)), 0).join();
    }

    long etcdRevision() {
        return store.currentRevision().join();
    }

    @Override
    public void close() {
        client.close();
    }
}
