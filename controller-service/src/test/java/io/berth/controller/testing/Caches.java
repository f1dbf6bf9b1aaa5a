package io.berth.controller.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;

/** An informer's cache without an informer, for reconciler tests: put objects in, read them through a Lister. */
public final class Caches<T extends HasMetadata> {

    private final CacheImpl<T> cache = new CacheImpl<>();

    @SafeVarargs
    public static <T extends HasMetadata> Caches<T> of(T... objects) {
        Caches<T> caches = new Caches<>();
        for (T obj : objects) {
            caches.put(obj);
        }
        return caches;
    }

    public Caches<T> put(T obj) {
        cache.put(obj);
        return this;
    }

    public Caches<T> remove(T obj) {
        cache.remove(obj);
        return this;
    }

    public Lister<T> lister() {
        return new Lister<>(cache);
    }
}
