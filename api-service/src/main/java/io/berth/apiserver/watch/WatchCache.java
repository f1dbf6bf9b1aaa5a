package io.berth.apiserver.watch;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.storage.ObjectCodec;
import io.berth.apiserver.storage.Stored;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory state and recent history of one resource, fed by one etcd watch, fanned out to every client
 * watch of this replica (Kubernetes' cacher). Lists at {@code resourceVersion=0} or "not older than" are answered
 * from it; watches from a resourceVersion replay its history.
 *
 * <p>Every change is applied and offered to watchers under one lock, so a watcher registered under the same lock
 * sees each change after its starting point exactly once, in revision order. Thread safe; {@link #close()} stops it.
 */
public final class WatchCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WatchCache.class);

    private final ResourceType type;
    private final EtcdStore store;
    private final Watch watchClient;
    private final String prefix;
    private final int capacity;
    private final int watcherQueue;
    private final ScheduledExecutorService scheduler;
    private final Executor dispatcher;

    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, CachedObject> objects = new TreeMap<>();
    private final ArrayDeque<CacheEvent> history = new ArrayDeque<>();
    private final List<CacheWatcher> watchers = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile long revision;
    private long oldestServiceable;
    private Watch.Watcher etcdWatch;
    private volatile boolean closed;

    private record Waiter(long revision, CompletableFuture<Long> future) {
    }

    public WatchCache(ResourceType type, EtcdStore store, Watch watchClient, int capacity, int watcherQueue,
                      ScheduledExecutorService scheduler, Executor dispatcher) {
        this.type = type;
        this.store = store;
        this.watchClient = watchClient;
        this.prefix = store.keys().typePrefix(type);
        this.capacity = capacity;
        this.watcherQueue = watcherQueue;
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
    }

    public ResourceType type() {
        return type;
    }

    /** Completes once the initial list is loaded and the etcd watch runs. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    public boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    /** The newest revision this cache has applied. */
    public long revision() {
        return revision;
    }

    /** Loads the current state and starts the etcd watch right after it. */
    public void start() {
        store.list(type, "", 0, null, 0, null).whenComplete((page, error) -> {
            if (error != null) {
                log.warn("watch cache {}: initial list failed, retrying: {}", type, error.toString());
                scheduleRestart();
                return;
            }
            lock.lock();
            try {
                objects.clear();
                history.clear();
                for (Stored s : page.items()) {
                    objects.put(s.key(), new CachedObject(s, s.object()));
                }
                revision = page.revision();
                oldestServiceable = page.revision();
                startEtcdWatch(page.revision() + 1);
                releaseWaiters();
            } finally {
                lock.unlock();
            }
            ready.complete(null);
        });
    }

    private void startEtcdWatch(long fromRevision) {
        WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRevision(fromRevision)
                .withProgressNotify(true)
                .build();
        etcdWatch = watchClient.watch(ByteSequence.from(prefix, StandardCharsets.UTF_8), option,
                Watch.listener(response -> dispatcher.execute(() -> onResponse(response)), this::onError));
    }

    private void onResponse(WatchResponse response) {
        lock.lock();
        try {
            if (response.getEvents().isEmpty()) {
                // etcd's timed progress notification, sent through this watch's own stream after every event up
                // to its revision: the cache has seen everything up to there. (A progress notification a client
                // requests is not: before etcd 3.4.24 / 3.5.8 it may overtake events still on their way,
                // etcd-io/etcd#15220. None is ever requested.)
                long progress = response.getHeader().getRevision();
                if (progress > revision) {
                    revision = progress;
                    releaseWaiters();
                }
                return;
            }
            for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
                apply(e);
            }
            releaseWaiters();
        } catch (RuntimeException e) {
            log.error("watch cache {}: could not apply an event; restarting", type, e);
            scheduler.execute(this::restart);
        } finally {
            lock.unlock();
        }
    }

    private void apply(io.etcd.jetcd.watch.WatchEvent e) {
        KeyValue kv = e.getKeyValue();
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        long rev = kv.getModRevision();
        CacheEvent event;
        if (e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.PUT) {
            byte[] data = store.transformer().fromStorage(kv.getValue().getBytes(), key);
            Stored stored = new Stored(type, key, data, rev);
            CachedObject now = new CachedObject(stored, stored.object());
            CachedObject before = objects.put(key, now);
            event = new CacheEvent(before == null ? CacheEvent.Type.ADDED : CacheEvent.Type.MODIFIED, key,
                    now.object(), before == null ? null : before.object(), rev, data);
        } else if (e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE) {
            CachedObject before = objects.remove(key);
            if (before == null) {
                revision = Math.max(revision, rev);
                return;
            }
            HasMetadata last = ObjectCodec.decode(type, before.stored().data(), rev);
            event = new CacheEvent(CacheEvent.Type.DELETED, key, last, before.object(), rev, before.stored().data());
        } else {
            return;
        }
        revision = rev;
        history.addLast(event);
        while (history.size() > capacity) {
            oldestServiceable = history.removeFirst().revision();
        }
        for (int i = 0; i < watchers.size(); i++) {
            watchers.get(i).offer(event);
        }
    }

    private void onError(Throwable error) {
        if (closed) {
            return;
        }
        log.warn("watch cache {}: etcd watch failed ({}); relisting", type, error.toString());
        scheduleRestart();
    }

    private void scheduleRestart() {
        if (!closed) {
            scheduler.schedule(this::restart, 1, TimeUnit.SECONDS);
        }
    }

    /** Drops state and watchers (their clients re-watch), relists and watches again. */
    private void restart() {
        if (closed) {
            return;
        }
        lock.lock();
        try {
            if (etcdWatch != null) {
                etcdWatch.close();
                etcdWatch = null;
            }
            new ArrayList<>(watchers).forEach(CacheWatcher::close);
            watchers.clear();
        } finally {
            lock.unlock();
        }
        start();
    }

    private void releaseWaiters() {
        if (waiters.isEmpty()) {
            return;
        }
        Iterator<Waiter> it = waiters.iterator();
        while (it.hasNext()) {
            Waiter w = it.next();
            if (revision >= w.revision()) {
                it.remove();
                w.future().complete(revision);
            }
        }
    }

    /**
     * Completes when this cache has applied {@code rv}; after {@code timeout} fails with 504 "Too large resource
     * version", as Kubernetes' watch cache does, so replicas behind etcd don't answer with stale state. A cache whose
     * resource did not change learns that it is current from etcd's timed progress notifications, so etcd must run
     * with {@code --experimental-watch-progress-notify-interval} well below {@code timeout} (500ms where Berth
     * starts it).
     */
    public CompletableFuture<Long> waitUntilFresh(long rv, Duration timeout) {
        lock.lock();
        try {
            if (revision >= rv && isReady()) {
                return CompletableFuture.completedFuture(revision);
            }
            CompletableFuture<Long> f = new CompletableFuture<>();
            waiters.add(new Waiter(rv, f));
            scheduler.schedule(() -> {
                lock.lock();
                try {
                    waiters.removeIf(w -> w.future() == f);
                } finally {
                    lock.unlock();
                }
                f.completeExceptionally(StatusErrors.resourceVersionTooLarge(rv, revision));
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            return f;
        } finally {
            lock.unlock();
        }
    }

    /** A consistent snapshot of the objects matching {@code filter}, sorted by key, with the cache's revision. */
    public Snapshot list(WatchFilter filter) {
        lock.lock();
        try {
            List<CachedObject> items = new ArrayList<>();
            for (CachedObject c : scope(filter.namespace()).values()) {
                if (filter.matches(c.object())) {
                    items.add(c);
                }
            }
            return new Snapshot(items, revision);
        } finally {
            lock.unlock();
        }
    }

    /** The cached object with this key, or null. */
    public CachedObject get(String key) {
        lock.lock();
        try {
            return objects.get(key);
        } finally {
            lock.unlock();
        }
    }

    private NavigableMap<String, CachedObject> scope(String namespace) {
        if (namespace == null || namespace.isEmpty() || !type.namespaced()) {
            return objects;
        }
        String nsPrefix = prefix + namespace + "/";
        return objects.subMap(nsPrefix, true, nsPrefix + Character.MAX_VALUE, false);
    }

    /**
     * Starts a watch.
     *
     * @param fromRevision  deliver changes after this revision; or -1 to start with ADDED events for the current
     *                      state (resourceVersion "" or "0", or sendInitialEvents)
     * @param initialEventsEnd with {@code fromRevision == -1} and bookmarks allowed: end the initial events with a
     *                      BOOKMARK annotated {@code k8s.io/initial-events-end: "true"}
     * @throws io.berth.apimachinery.errors.ApiException 410 Expired when {@code fromRevision} is older than the kept
     *                      history; the caller waits with {@link #waitUntilFresh} before asking for a newer one
     */
    public CacheWatcher watch(WatchFilter filter, long fromRevision, boolean allowBookmarks,
                              boolean initialEventsEnd) {
        lock.lock();
        try {
            List<WatchEvent> initial = new ArrayList<>();
            if (fromRevision < 0) {
                for (CachedObject c : scope(filter.namespace()).values()) {
                    if (filter.matches(c.object())) {
                        initial.add(new WatchEvent("ADDED", c.object(), c.stored().revision(), c::json));
                    }
                }
                if (initialEventsEnd && allowBookmarks) {
                    initial.add(Bookmarks.initialEventsEnd(type, revision));
                }
            } else {
                if (fromRevision < oldestServiceable) {
                    throw StatusErrors.expired("too old resource version: " + fromRevision
                            + " (" + (oldestServiceable + 1) + ")");
                }
                for (CacheEvent e : history) {
                    WatchEvent out = e.revision() > fromRevision ? CacheWatcher.project(filter, e) : null;
                    if (out != null) {
                        initial.add(out);
                    }
                }
            }
            CacheWatcher watcher = new CacheWatcher(filter, allowBookmarks, watcherQueue, initial, this::remove);
            watchers.add(watcher);
            return watcher;
        } finally {
            lock.unlock();
        }
    }

    private void remove(CacheWatcher watcher) {
        lock.lock();
        try {
            watchers.remove(watcher);
        } finally {
            lock.unlock();
        }
    }

    /** Sends a BOOKMARK at the current revision to every watcher that allows them. */
    public void sendBookmarks() {
        lock.lock();
        try {
            if (watchers.isEmpty()) {
                return;
            }
            WatchEvent bookmark = Bookmarks.bookmark(type, revision);
            for (CacheWatcher w : new ArrayList<>(watchers)) {
                if (w.allowBookmarks()) {
                    w.emit(bookmark);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    public int watcherCount() {
        lock.lock();
        try {
            return watchers.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            if (etcdWatch != null) {
                etcdWatch.close();
            }
            new ArrayList<>(watchers).forEach(CacheWatcher::close);
            watchers.clear();
            waiters.forEach(w -> w.future().completeExceptionally(
                    StatusErrors.serviceUnavailable("the api-service is shutting down")));
            waiters.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Objects of a list answered from the cache, and the revision they reflect. */
    public record Snapshot(List<CachedObject> items, long revision) {
    }

    /** For tests and metrics: the number of objects held. */
    public int size() {
        lock.lock();
        try {
            return objects.size();
        } finally {
            lock.unlock();
        }
    }

    /** For metrics. */
    public Map<String, Integer> stats() {
        lock.lock();
        try {
            return Map.of("objects", objects.size(), "history", history.size(), "watchers", watchers.size());
        } finally {
            lock.unlock();
        }
    }
}
