package io.berth.apiserver.watch;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.config.ApiServerProperties;
import io.berth.apiserver.storage.EtcdStore;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One {@link WatchCache} per stored resource, started together; owns the timer that sends bookmarks and the thread
 * that applies etcd's changes.
 * Thread safe; {@link #close()} stops every cache.
 */
public final class WatchCaches implements AutoCloseable {

    private final Map<ResourceType, WatchCache> caches = new LinkedHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService dispatcher;
    private final Watch watchClient;

    public WatchCaches(ResourceRegistry registry, EtcdStore store, Client client, ApiServerProperties props) {
        this.watchClient = client.getWatchClient();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "watch-cache-timer");
            t.setDaemon(true);
            return t;
        });
        // one thread applies every cache's changes in order, off jetcd's event loop (which etcd's replies need)
        this.dispatcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "watch-cache-dispatch");
            t.setDaemon(true);
            return t;
        });
        for (ResourceType type : registry.all()) {
            if (type.stored()) {
                caches.put(type, new WatchCache(type, store, watchClient, props.watchCacheCapacity(),
                        props.watcherQueue(), scheduler, dispatcher));
            }
        }
        long bookmarkMs = Math.max(100, props.bookmarkInterval().toMillis());
        scheduler.scheduleAtFixedRate(this::tick, bookmarkMs, bookmarkMs, TimeUnit.MILLISECONDS);
    }

    public void start() {
        caches.values().forEach(WatchCache::start);
    }

    public CompletableFuture<Void> ready() {
        return CompletableFuture.allOf(caches.values().stream().map(WatchCache::ready)
                .toArray(CompletableFuture[]::new));
    }

    public boolean isReady() {
        return caches.values().stream().allMatch(WatchCache::isReady);
    }

    public WatchCache get(ResourceType type) {
        WatchCache cache = caches.get(type);
        if (cache == null) {
            throw new IllegalArgumentException("no watch cache for " + type);
        }
        return cache;
    }

    public Collection<WatchCache> all() {
        return caches.values();
    }

    private void tick() {
        caches.values().forEach(WatchCache::sendBookmarks);
    }

    @Override
    public void close() {
        caches.values().forEach(WatchCache::close);
        scheduler.shutdownNow();
        dispatcher.shutdownNow();
    }
}
