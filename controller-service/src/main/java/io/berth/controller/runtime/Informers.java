package io.berth.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import io.fabric8.kubernetes.client.informers.cache.Lister;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The informers one leadership term shares among its controllers: one cluster-wide list + watch per kind, created on
 * first request (so only kinds some controller needs are watched), started together by {@link #start}. Controllers
 * register handlers and indexers before the start; handlers only enqueue keys. Objects in the caches are shared and
 * immutable: copy before changing (fabric8 builders). Not thread safe before {@link #start}; thread safe after.
 */
public final class Informers implements AutoCloseable {

    private final KubernetesClient client;
    private final SharedInformerFactory factory;
    private final Map<Class<?>, SharedIndexInformer<?>> informers = new LinkedHashMap<>();
    private boolean started;

    public Informers(KubernetesClient client) {
        this.client = client;
        this.factory = client.informers();
    }

    /** The informer of {@code type}, cluster-wide, without periodic resync. */
    @SuppressWarnings("unchecked")
    public synchronized <T extends HasMetadata> SharedIndexInformer<T> get(Class<T> type) {
        return (SharedIndexInformer<T>) informers.computeIfAbsent(type, t -> {
            if (started) {
                throw new IllegalStateException("the informer of " + type.getSimpleName()
                        + " was asked for after the informers started");
            }
            return factory.sharedIndexInformerFor(type, 0);
        });
    }

    /** A lister over the cache of {@code type} (all namespaces). */
    public <T extends HasMetadata> Lister<T> lister(Class<T> type) {
        return new Lister<>(get(type).getIndexer());
    }

    /** Adds an index to the informer of {@code type} unless it has one by that name. */
    public synchronized <T extends HasMetadata> void index(Class<T> type, String name,
                                                           Function<T, List<String>> function) {
        SharedIndexInformer<T> informer = get(type);
        if (!informer.getIndexer().getIndexers().containsKey(name)) {
            informer.addIndexers(Map.of(name, function));
        }
    }

    public synchronized void start() {
        started = true;
        factory.startAllRegisteredInformers();
    }

    /** Whether every informer has listed (controllers start work only then, as Kubernetes' WaitForCacheSync). */
    public synchronized boolean hasSynced() {
        return started && informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    public KubernetesClient client() {
        return client;
    }

    @Override
    public synchronized void close() {
        factory.stopAllRegisteredInformers();
    }
}
