package io.berth.apiserver.watch;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.storage.EtcdKeys;
import io.berth.apiserver.config.ApiServerProperties;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.storage.Stored;
import io.berth.apiserver.storage.ValueTransformer;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import io.etcd.jetcd.Client;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.util.unit.DataSize;
import reactor.core.Disposable;

import javax.net.ssl.SSLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The watch half of the storage contract on a real etcd: watches from a resourceVersion deliver every later change
 * once and in order, history beyond the cache is 410, bookmarks arrive, and a resourceVersion the cache has not seen
 * waits, then answers 504, unless etcd's timed progress notification shows the cache is current.
 */
@ExtendWith(EtcdExtension.class)
class WatchCacheConformanceTest {

    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType CONFIGMAPS = REGISTRY.find("", "v1", "configmaps").orElseThrow();
    private static final ResourceType PODS = REGISTRY.find("", "v1", "pods").orElseThrow();

    EtcdProcess etcd;
    Client client;
    EtcdStore store;
    List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() throws SSLException {
        client = Client.builder().endpoints(etcd.endpoint())
                .sslContext(ssl -> ssl.trustManager(etcd.caCert().toFile())
                        .keyManager(etcd.clientCert().toFile(), etcd.clientKey().toFile()))
                .build();
        store = new EtcdStore(client, new EtcdKeys("/watch-" + UUID.randomUUID()), ValueTransformer.IDENTITY,
                1_572_864);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        client.close();
    }

    private WatchCaches caches(int capacity, Duration bookmarks) {
        ApiServerProperties props = new ApiServerProperties(List.of("system:berth-gateway"), capacity, bookmarks,
                Duration.ofMillis(600), Duration.ofSeconds(60), DataSize.ofMegabytes(3), DataSize.ofKilobytes(1536),
                Duration.ofHours(1), Duration.ZERO, 1000);
        WatchCaches caches = new WatchCaches(REGISTRY, store, client, props);
        caches.start();
        caches.ready().join();
        closeables.add(caches);
        return caches;
    }

    private Stored put(String name, String value) {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata()
                .withData(Map.of("v", value)).build();
        return store.create(CONFIGMAPS, cm, 0).join();
    }

    private Stored update(String name, String value) {
        return store.guaranteedUpdate(CONFIGMAPS, "ns", name, obj -> {
            ConfigMap cm = (ConfigMap) obj;
            Map<String, String> data = new HashMap<>(cm.getData());
            data.put("v", value);
            cm.setData(data);
            cm.getMetadata().setResourceVersion(null);
            return cm;
        }, null).join();
    }

    private record Seen(String type, String name, long revision) {
    }

    private List<Seen> collect(CacheWatcher watcher) {
        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        Disposable d = watcher.events().subscribe(e -> seen.add(new Seen(e.type(),
                e.object() == null ? "" : e.object().getMetadata().getName(), e.revision())));
        closeables.add(d::dispose);
        return seen;
    }

    @Test
    void aWatchFromAResourceVersionDeliversEveryLaterChangeOnceInOrder() {
        WatchCache cache = caches(1000, Duration.ofMinutes(1)).get(CONFIGMAPS);
        Stored a = put("a", "1");
        long start = a.revision();
        Stored b = put("b", "1");
        Stored a2 = update("a", "2");
        store.delete(CONFIGMAPS, "ns", "b", null, null).join();
        Stored c = put("c", "1");
        await().until(() -> cache.revision() >= c.revision());

        List<Seen> seen = collect(cache.watch(WatchFilter.everything(""), start, false, false));
        Stored a3 = update("a", "3");

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 5);
        assertThat(seen).extracting(Seen::type).containsExactly("ADDED", "MODIFIED", "DELETED", "ADDED", "MODIFIED");
        assertThat(seen).extracting(Seen::name).containsExactly("b", "a", "b", "c", "a");
        assertThat(seen).extracting(Seen::revision).isSorted().doesNotHaveDuplicates();
        assertThat(seen.get(0).revision()).isEqualTo(b.revision());
        assertThat(seen.get(1).revision()).isEqualTo(a2.revision());
        assertThat(seen.get(4).revision()).isEqualTo(a3.revision());
    }

    @Test
    void manyConcurrentWritesReachAWatcherExactlyOnceEach() {
        WatchCache cache = caches(5000, Duration.ofMinutes(1)).get(CONFIGMAPS);
        long start = store.currentRevision().join();
        List<Seen> seen = collect(cache.watch(WatchFilter.everything(""), start, false, false));
        List<Long> written = Collections.synchronizedList(new ArrayList<>());
        java.util.stream.IntStream.range(0, 200).parallel().forEach(i -> written.add(put("w" + i, "x").revision()));

        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 200);
        assertThat(seen).extracting(Seen::revision).isSorted().doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void anObjectLeavingTheSelectorArrivesAsDeleted() {
        WatchCache cache = caches(1000, Duration.ofMinutes(1)).get(CONFIGMAPS);
        put("sel", "keep");
        WatchFilter keep = new WatchFilter("ns", null, io.berth.apimachinery.selector.FieldSelector.parse(
                "metadata.name=sel", CONFIGMAPS));
        List<Seen> seen = collect(cache.watch(keep, -1, false, false));
        await().until(() -> seen.size() == 1);
        assertThat(seen.get(0).type()).isEqualTo("ADDED");

        put("other", "x");
        store.delete(CONFIGMAPS, "ns", "sel", null, null).join();

        await().until(() -> seen.size() == 2);
        assertThat(seen.get(1).type()).isEqualTo("DELETED");
        assertThat(seen.get(1).name()).isEqualTo("sel");
    }

    @Test
    void aWatchFromBeforeTheKeptHistoryIsExpired() {
        Stored early = put("old", "1");
        for (int i = 0; i < 5; i++) {
            update("old", "v" + i);
        }
        WatchCache cache = caches(3, Duration.ofMinutes(1)).get(CONFIGMAPS);
        for (int i = 0; i < 5; i++) {
            update("old", "w" + i);
        }
        long last = store.currentRevision().join();
        await().until(() -> cache.revision() >= last);

        assertThatThrownBy(() -> cache.watch(WatchFilter.everything(""), early.revision(), false, false))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(410))
                .satisfies(e -> assertThat(((ApiException) e).reason()).isEqualTo("Expired"));
    }

    @Test
    void aCompactedEtcdIsNoObstacleForARestartedCacheButOldResourceVersionsAreGone() {
        Stored early = put("compact-me", "1");
        update("compact-me", "2");
        long now = store.currentRevision().join();
        client.getKVClient().compact(now).join();

        WatchCache cache = caches(1000, Duration.ofMinutes(1)).get(CONFIGMAPS);

        assertThat(cache.list(WatchFilter.everything("ns")).items()).extracting(c -> c.object().getMetadata().getName())
                .contains("compact-me");
        assertThatThrownBy(() -> cache.watch(WatchFilter.everything(""), early.revision(), false, false))
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(410));
    }

    @Test
    void watchersThatAllowBookmarksReceiveThemWithTheCurrentRevision() {
        WatchCache cache = caches(1000, Duration.ofMillis(200)).get(CONFIGMAPS);
        Stored s = put("bm", "1");
        List<Seen> seen = collect(cache.watch(WatchFilter.everything(""), s.revision(), true, false));

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(e -> e.type().equals("BOOKMARK")));
        Seen bookmark = seen.stream().filter(e -> e.type().equals("BOOKMARK")).findFirst().orElseThrow();
        assertThat(bookmark.revision()).isGreaterThanOrEqualTo(s.revision());

        List<Seen> none = collect(cache.watch(WatchFilter.everything(""), s.revision(), false, false));
        put("bm2", "1");
        await().until(() -> none.size() == 1);
        assertThat(none).extracting(Seen::type).containsOnly("ADDED");
    }

    @Test
    void initialEventsEndWithAnAnnotatedBookmark() {
        WatchCache cache = caches(1000, Duration.ofMinutes(1)).get(CONFIGMAPS);
        put("i1", "1");
        long last = put("i2", "1").revision();
        cache.waitUntilFresh(last, Duration.ofSeconds(5)).join();
        List<WatchEvent> events = Collections.synchronizedList(new ArrayList<>());
        closeables.add(cache.watch(WatchFilter.everything("ns"), -1, true, true).events().subscribe(events::add)::dispose);

        await().until(() -> events.size() == 3);
        assertThat(events).extracting(WatchEvent::type).containsExactly("ADDED", "ADDED", "BOOKMARK");
        HasMetadata end = events.get(2).object();
        assertThat(end.getMetadata().getAnnotations()).containsEntry("k8s.io/initial-events-end", "true");
    }

    @Test
    void aResourceVersionNewerThanEtcdWaitsThenAnswers504() {
        WatchCache cache = caches(1000, Duration.ofMinutes(1)).get(CONFIGMAPS);
        long future = store.currentRevision().join() + 1000;
        long started = System.nanoTime();

        assertThatThrownBy(() -> cache.waitUntilFresh(future, Duration.ofMillis(600)).get())
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> {
                    ApiException api = (ApiException) e.getCause();
                    assertThat(api.code()).isEqualTo(504);
                    assertThat(api.reason()).isEqualTo("Timeout");
                    assertThat(api.getMessage()).startsWith("Too large resource version");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(550));
    }

    @Test
    void aQuietCacheLearnsFromEtcdsProgressNotificationsThatItIsCurrent() {
        WatchCaches caches = caches(1000, Duration.ofMinutes(1));
        WatchCache pods = caches.get(PODS);
        // a write to another resource moves etcd's revision past anything the pods cache has seen
        long revision = put("elsewhere", "1").revision();

        long reached = pods.waitUntilFresh(revision, Duration.ofSeconds(3)).join();

        assertThat(reached).isGreaterThanOrEqualTo(revision);
    }

    @Test
    void aCacheIsNotCurrentWhileAChangeOfItsResourceIsOnItsWay() throws Exception {
        Standalone standalone = standalone();
        WatchCache cache = standalone.cache();
        CountDownLatch hold = standalone.hold();
        long revision = put("on-its-way", "1").revision();

        CompletableFuture<Long> fresh = cache.waitUntilFresh(revision, Duration.ofSeconds(20));

        // the event waits behind the held dispatcher, and so do etcd's progress notifications: not current yet
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> !fresh.isDone());
        hold.countDown();
        assertThat(fresh.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(revision);
        assertThat(names(cache)).contains("on-its-way");
    }

    @Test
    void aWatcherFromBeforeAKeyCameAndWentSeesBothChanges() throws Exception {
        Standalone standalone = standalone();
        WatchCache cache = standalone.cache();
        long before = put("stays", "1").revision();
        cache.waitUntilFresh(before, Duration.ofSeconds(5)).join();
        List<WatchEvent> events = Collections.synchronizedList(new ArrayList<>());
        closeables.add(cache.watch(WatchFilter.everything("ns"), before, false, false).events()
                .subscribe(events::add)::dispose);
        CountDownLatch hold = standalone.hold();
        put("gone", "1");
        long deleted = store.delete(CONFIGMAPS, "ns", "gone", null, null).join().revision();

        // etcd's state equals the cache's again, but two changes are on their way: the cache is not current yet
        CompletableFuture<Long> fresh = cache.waitUntilFresh(deleted, Duration.ofSeconds(20));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !fresh.isDone());
        hold.countDown();

        assertThat(fresh.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(deleted);
        await().until(() -> events.size() == 2);
        assertThat(events).extracting(WatchEvent::type).containsExactly("ADDED", "DELETED");
        assertThat(names(cache)).containsExactly("stays");
    }

    private record Standalone(WatchCache cache, ExecutorService dispatcher) {
        /** Holds the dispatcher until the latch opens: etcd's events for the cache wait until then. */
        CountDownLatch hold() {
            CountDownLatch latch = new CountDownLatch(1);
            dispatcher.execute(() -> {
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return latch;
        }
    }

    private Standalone standalone() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService dispatcher = Executors.newSingleThreadExecutor();
        WatchCache cache = new WatchCache(CONFIGMAPS, store, client.getWatchClient(), 1000, 100, timer, dispatcher);
        closeables.add(cache);
        closeables.add(timer::shutdownNow);
        closeables.add(dispatcher::shutdownNow);
        cache.start();
        cache.ready().join();
        return new Standalone(cache, dispatcher);
    }

    private static List<String> names(WatchCache cache) {
        return cache.list(WatchFilter.everything("ns")).items().stream()
                .map(c -> c.object().getMetadata().getName()).toList();
    }

    static int code(Throwable t) {
        Throwable e = t instanceof CompletionException ? t.getCause() : t;
        return e instanceof ApiException api ? api.code() : -1;
    }
}
