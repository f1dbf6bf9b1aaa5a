package io.berth.apiserver.storage;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.json.Json;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The storage contract of ARCHITECTURE.md on a real etcd: creates, reads, compare-and-swap updates, deletes with
 * preconditions, and paginated lists pinned to one revision.
 */
@ExtendWith(EtcdExtension.class)
class EtcdStoreConformanceTest {

    EtcdProcess etcd;
    StorageFixture f;

    @BeforeEach
    void setUp() {
        f = new StorageFixture(etcd);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static int code(Throwable t) {
        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return e instanceof ApiException api ? api.code() : -1;
    }

    private static String reason(Throwable t) {
        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return e instanceof ApiException api ? api.reason() : "";
    }

    @Test
    void aCreatedObjectIsReadBackWithItsModRevisionAsResourceVersion() {
        Stored created = f.create("ns", "a", "1");
        Stored read = f.store.get(StorageFixture.CONFIGMAPS, "ns", "a").join();

        assertThat(read.revision()).isEqualTo(created.revision());
        assertThat(read.object().getMetadata().getResourceVersion()).isEqualTo(Long.toString(created.revision()));
        assertThat(((ConfigMap) read.object()).getData()).containsEntry("v", "1");
        assertThat(new String(read.data())).as("the stored value never holds the resourceVersion")
                .doesNotContain("resourceVersion");
    }

    @Test
    void creatingAnExistingKeyIsAlreadyExistsAndWritesNothing() {
        f.create("ns", "dup", "1");
        long before = f.etcdRevision();

        assertThatThrownBy(() -> f.create("ns", "dup", "2"))
                .satisfies(e -> assertThat(code(e)).isEqualTo(409))
                .satisfies(e -> assertThat(reason(e)).isEqualTo("AlreadyExists"));
        assertThat(f.etcdRevision()).isEqualTo(before);
    }

    @Test
    void gettingAMissingObjectIsNotFound() {
        assertThatThrownBy(() -> f.store.get(StorageFixture.CONFIGMAPS, "ns", "missing").join())
                .satisfies(e -> assertThat(code(e)).isEqualTo(404));
    }

    @Test
    void anUpdateWithAStaleResourceVersionIsAConflict() {
        Stored v1 = f.create("ns", "c", "1");
        f.store.guaranteedUpdate(StorageFixture.CONFIGMAPS, "ns", "c", obj -> withValue(obj, "2"), null).join();

        // the REST layer's precondition: the client's resourceVersion must be the current one
        assertThatThrownBy(() -> f.store.guaranteedUpdate(StorageFixture.CONFIGMAPS, "ns", "c", obj -> {
            if (!obj.getMetadata().getResourceVersion().equals(Long.toString(v1.revision()))) {
                throw io.berth.apimachinery.errors.StatusErrors.modifiedConflict(StorageFixture.CONFIGMAPS, "c");
            }
            return withValue(obj, "3");
        }, null).join()).satisfies(e -> assertThat(code(e)).isEqualTo(409))
                .satisfies(e -> assertThat(reason(e)).isEqualTo("Conflict"));
        assertThat(((ConfigMap) f.store.get(StorageFixture.CONFIGMAPS, "ns", "c").join().object()).getData())
                .containsEntry("v", "2");
    }

    @Test
    void concurrentReadModifyWriteUpdatesAreAllAppliedByRetryingOnConflict() throws Exception {
        f.create("ns", "counter", "0");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(pool.submit(() -> f.store.guaranteedUpdate(StorageFixture.CONFIGMAPS, "ns", "counter",
                        obj -> withValue(obj, Integer.toString(Integer.parseInt(
                                ((ConfigMap) obj).getData().get("v")) + 1)), null).join()));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        ConfigMap result = (ConfigMap) f.store.get(StorageFixture.CONFIGMAPS, "ns", "counter").join().object();
        assertThat(result.getData()).containsEntry("v", "40");
    }

    @Test
    void anUpdateFromAStaleSuggestionRetriesWithTheFreshValue() {
        Stored stale = f.create("ns", "s", "1");
        f.store.guaranteedUpdate(StorageFixture.CONFIGMAPS, "ns", "s", obj -> withValue(obj, "2"), null).join();

        Stored updated = f.store.guaranteedUpdate(StorageFixture.CONFIGMAPS, "ns", "s", obj -> {
            ConfigMap cm = (ConfigMap) obj;
            return withValue(obj, cm.getData().get("v") + "+x");
        }, stale).join();

        assertThat(((ConfigMap) updated.object()).getData()).containsEntry("v", "2+x");
    }

    @Test
    void aNoOpUpdateWritesNothingAndKeepsTheRevision() {
        Stored created = f.create("ns", "noop", "1");
        long before = f.etcdRevision();

        Stored same = f.store.guaranteedUpdate(StorageFixture.CONFIGMAPS, "ns", "noop", obj -> withValue(obj, "1"),
                null).join();

        assertThat(same.revision()).isEqualTo(created.revision());
        assertThat(f.etcdRevision()).isEqualTo(before);
    }

    @Test
    void deleteChecksItsPreconditionAgainstTheCurrentObject() {
        Stored created = f.create("ns", "d", "1");
        long before = f.etcdRevision();

        assertThatThrownBy(() -> f.store.delete(StorageFixture.CONFIGMAPS, "ns", "d", obj -> {
            if (!"wrong-uid".equals(obj.getMetadata().getUid())) {
                throw io.berth.apimachinery.errors.StatusErrors.conflict(StorageFixture.CONFIGMAPS, "d",
                        "Precondition failed: UID in precondition: wrong-uid");
            }
        }, null).join()).satisfies(e -> assertThat(code(e)).isEqualTo(409));
        assertThat(f.etcdRevision()).isEqualTo(before);

        String uid = created.object().getMetadata().getUid();
        Stored deleted = f.store.delete(StorageFixture.CONFIGMAPS, "ns", "d", obj -> {
            assertThat(obj.getMetadata().getUid()).isEqualTo(uid);
        }, null).join();

        assertThat(deleted.object().getMetadata().getUid()).isEqualTo(uid);
        assertThatThrownBy(() -> f.store.get(StorageFixture.CONFIGMAPS, "ns", "d").join())
                .satisfies(e -> assertThat(code(e)).isEqualTo(404));
        assertThatThrownBy(() -> f.store.delete(StorageFixture.CONFIGMAPS, "ns", "d", null, null).join())
                .satisfies(e -> assertThat(code(e)).isEqualTo(404));
    }

    @Test
    void aPaginatedListIsPinnedToTheFirstPagesRevisionWhileWritesGoOn() throws Exception {
        Set<String> original = new HashSet<>();
        for (int i = 0; i < 45; i++) {
            String name = String.format("item-%03d", i);
            f.create("paged", name, "0");
            original.add(name);
        }
        // the first page pins the revision; the writes begin only after it, and the later pages are listed while
        // they go on
        ListPage page = f.store.list(StorageFixture.CONFIGMAPS, "paged", 10, null, 0, null).join();
        long firstRevision = page.revision();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (!stop.get() && i < 200) {
                f.create("paged", String.format("item-%03d-late", i++), "late");
                f.store.guaranteedUpdate(StorageFixture.CONFIGMAPS, "paged", "item-000",
                        obj -> withValue(obj, "changed-" + System.nanoTime()), null).join();
                written.incrementAndGet();
            }
        });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > 0);
            List<String> seen = new ArrayList<>();
            Set<Long> revisions = new HashSet<>();
            while (true) {
                revisions.add(page.revision());
                page.items().forEach(s -> seen.add(s.object().getMetadata().getName()));
                assertThat(page.items().size()).isLessThanOrEqualTo(10);
                if (page.continueToken() == null) {
                    break;
                }
                page = f.store.list(StorageFixture.CONFIGMAPS, "paged", 10,
                        ContinueToken.decode(page.continueToken()), 0, null).join();
            }
            assertThat(revisions).containsExactly(firstRevision);
            assertThat(seen).doesNotHaveDuplicates();
            assertThat(new HashSet<>(seen)).isEqualTo(original);
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    @Test
    void aFilteredListStillFillsItsPages() {
        for (int i = 0; i < 30; i++) {
            f.create("filtered", "obj-" + String.format("%02d", i), i % 3 == 0 ? "keep" : "skip");
        }
        List<String> kept = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            ListPage page = f.store.list(StorageFixture.CONFIGMAPS, "filtered", 4,
                    token == null ? null : ContinueToken.decode(token), 0,
                    obj -> "keep".equals(((ConfigMap) obj).getData().get("v"))).join();
            page.items().forEach(s -> kept.add(s.object().getMetadata().getName()));
            token = page.continueToken();
            pages++;
        } while (token != null);
        assertThat(kept).hasSize(10);
        assertThat(pages).isBetween(3, 4);
    }

    @Test
    void aListAtACompactedRevisionIsGone() {
        Stored first = f.create("compacted", "a", "1");
        f.create("compacted", "b", "1");
        long now = f.etcdRevision();
        f.client.getKVClient().compact(now).join();

        assertThatThrownBy(() -> f.store.list(StorageFixture.CONFIGMAPS, "compacted", 0, null, first.revision(),
                null).join()).satisfies(e -> assertThat(code(e)).isEqualTo(410))
                .satisfies(e -> assertThat(reason(e)).isEqualTo("Expired"));
        String token = new ContinueToken(first.revision(), "a\0").encode();
        assertThatThrownBy(() -> f.store.list(StorageFixture.CONFIGMAPS, "compacted", 1,
                ContinueToken.decode(token), 0, null).join())
                .satisfies(e -> assertThat(code(e)).isEqualTo(410));
    }

    @Test
    void aDamagedContinueTokenIsABadRequest() {
        assertThatThrownBy(() -> ContinueToken.decode("not-a-token!"))
                .satisfies(e -> assertThat(code(e)).isEqualTo(400));
        String escaping = java.util.Base64.getUrlEncoder().encodeToString(
                "{\"v\":\"meta.k8s.io/v1\",\"rv\":5,\"start\":\"../secrets/\"}".getBytes());
        assertThatThrownBy(() -> ContinueToken.decode(escaping)).satisfies(e -> assertThat(code(e)).isEqualTo(400));
    }

    @Test
    void anObjectOverTheSizeLimitIsRefusedWithoutAWrite() {
        Map<String, String> big = new HashMap<>();
        big.put("blob", "x".repeat(1_600_000));
        long before = f.etcdRevision();
        assertThatThrownBy(() -> f.store.create(StorageFixture.CONFIGMAPS,
                StorageFixture.configMap("ns", "big", big), 0).join())
                .satisfies(e -> assertThat(code(e)).isEqualTo(413));
        assertThat(f.etcdRevision()).isEqualTo(before);
    }

    @Test
    void resourceVersionInjectionMatchesDecodingForEveryKind() {
        Stored created = f.create("ns", "inject", "1");
        byte[] injected = ResourceVersions.inject(created.data(), created.revision());
        HasMetadata decoded = created.object();
        assertThat(Json.tree(injected)).isEqualTo(Json.toTree(decoded));
        IntStream.range(0, 3).forEach(i -> assertThat(ResourceVersions.inject("{\"metadata\":{}}".getBytes(), i))
                .asString().isEqualTo("{\"metadata\":{\"resourceVersion\":\"" + i + "\"}}"));
    }

    private static HasMetadata withValue(HasMetadata obj, String value) {
        ConfigMap cm = (ConfigMap) obj;
        Map<String, String> data = new HashMap<>(cm.getData() == null ? Map.of() : cm.getData());
        data.put("v", value);
        cm.setData(data);
        cm.getMetadata().setResourceVersion(null);
        return cm;
    }
}
