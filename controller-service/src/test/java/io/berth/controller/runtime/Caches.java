package io.berth.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;

import java.util.List;

/** Informer caches filled by hand, for tests of reconcilers without an API server. */
public final class Caches {

    private Caches() {
    }

    /** A cache holding {@code objects}, indexed by namespace as an informer's is. */
    @SafeVarargs
    public static <T extends HasMetadata> CacheImpl<T> of(T... objects) {
        return of(List.of(objects));
    }

    public static <T extends HasMetadata> CacheImpl<T> of(List<T> objects) {
        CacheImpl<T> cache = new CacheImpl<>();
        objects.forEach(cache::put);
        return cache;
    }

    /** A cache indexed as the replica set and deployment controllers index theirs (by controller uid). */
    @SafeVarargs
    public static <T extends HasMetadata> CacheImpl<T> indexed(T... objects) {
        CacheImpl<T> cache = new CacheImpl<>();
        cache.addIndexFunc(ControllerRefs.CONTROLLER_UID_INDEX, ControllerRefs::controllerUidIndex);
        for (T obj : objects) {
            cache.put(obj);
        }
        return cache;
    }

    public static <T extends HasMetadata> Lister<T> lister(CacheImpl<T> cache) {
        return new Lister<>(cache);
    }
}
