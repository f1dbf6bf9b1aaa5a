package io.berth.gateway.audit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The store on a real embedded H2 file database in a temporary folder. */
class JdbcAuditStoreTest {

    private static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123Z");

    @TempDir
    Path dir;
    private HikariDataSource dataSource;
    private JdbcAuditStore store;

    @BeforeEach
    void open() {
        store = openStore();
    }

    private JdbcAuditStore openStore() {
        String url = "jdbc:h2:file:" + dir.resolve("audit/audit") + ";DB_CLOSE_ON_EXIT=FALSE";
        PrivateFolder.forH2Url(url);
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url);
        JdbcAuditStore s = new JdbcAuditStore(dataSource);
        s.createSchema();
        return s;
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    private static AuditEvent event(Instant time, String user, String verb, String namespace) {
        return new AuditEvent(UUID.randomUUID().toString(), time, user, List.of("devs", "system:authenticated"),
                "192.0.2.7", verb, "", namespace.isEmpty() ? "nodes" : "pods", "", namespace, "web",
                "/api/v1/pods", 200, 12, "kubectl/v1.32.0", null, false, null);
    }

    @Test
    void anEventReadsBackAsItWasWritten() {
        AuditEvent written = new AuditEvent(UUID.randomUUID().toString(), T0, "alice", List.of("devs", "a,b"),
                "2001:db8::1", "patch", "apps", "deployments", "scale", "team", "web",
                "/apis/apps/v1/namespaces/team/deployments/web/scale?fieldManager=kubectl", 422, 1234,
                "kubectl/v1.32.0", "{\"spec\":{\"replicas\":3}}", true, null);
        AuditEvent noted = new AuditEvent(UUID.randomUUID().toString(), T0.minusMillis(1), "", List.of(), "", "create",
                "", "secrets", "", "team", "", "/api/v1/namespaces/team/secrets", 401, 0, "", null, false,
                "body not recorded: unparseable secret payload");

        store.insert(List.of(written, noted));

        assertThat(store.query(AuditQuery.newest(10)).items()).containsExactly(written, noted);
    }

    @Test
    void theSchemaIsCreatedOnceAndTheTrailOutlivesARestart() {
        AuditEvent e = event(T0, "alice", "get", "team");
        store.insert(List.of(e));
        store.createSchema();
        dataSource.close();

        store = openStore();

        assertThat(store.query(AuditQuery.newest(10)).items()).containsExactly(e);
    }

    @Test
    void theDatabaseFolderIsPrivate() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("audit"))))
                .isEqualTo("rwx------");
        assertThat(Files.exists(dir.resolve("audit/audit.mv.db"))).isTrue();
    }

    @Test
    void stringsLongerThanTheirColumnAreCutNotRefused() {
        AuditEvent huge = new AuditEvent(UUID.randomUUID().toString(), T0, "u".repeat(5000), List.of(), "192.0.2.7",
                "get", "", "pods", "", "n".repeat(1000), "x".repeat(1000), "/api/" + "p".repeat(10_000), 404, 1,
                "a".repeat(5000), "b".repeat(RequestBodies.MAX_CHARS + 10), false, null);

        store.insert(List.of(huge));

        AuditEvent read = store.query(AuditQuery.newest(1)).items().get(0);
        assertThat(read.user()).hasSize(1024);
        assertThat(read.namespace()).hasSize(253);
        assertThat(read.requestUri()).hasSize(8192);
        assertThat(read.requestBody()).hasSize(RequestBodies.MAX_CHARS);
        assertThat(read.bodyTruncated()).isTrue();
    }

    record Filter(String name, AuditQuery query, List<String> expectedKeys) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Filter> filters() {
        return Stream.of(
                new Filter("everything, newest first", AuditQuery.newest(100),
                        List.of("bob/delete/b", "alice/list/", "alice/get/b", "bob/create/a", "alice/get/a")),
                new Filter("one namespace", new AuditQuery("a", null, null, null, 100, null, null),
                        List.of("bob/create/a", "alice/get/a")),
                new Filter("one user", new AuditQuery(null, "alice", null, null, 100, null, null),
                        List.of("alice/list/", "alice/get/b", "alice/get/a")),
                new Filter("one verb", new AuditQuery(null, null, "get", null, 100, null, null),
                        List.of("alice/get/b", "alice/get/a")),
                new Filter("since a time, inclusive", new AuditQuery(null, null, null, T0.plusSeconds(2), 100, null, null),
                        List.of("bob/delete/b", "alice/list/", "alice/get/b")),
                new Filter("visible namespaces leave out cluster-scoped entries",
                        new AuditQuery(null, null, null, null, 100, null, Set.of("a", "b")),
                        List.of("bob/delete/b", "alice/get/b", "bob/create/a", "alice/get/a")),
                new Filter("filters combine", new AuditQuery("b", "alice", "get", T0, 100, null, Set.of("b")),
                        List.of("alice/get/b")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void aQueryReturnsTheMatchingEvents(Filter f) {
        store.insert(List.of(
                event(T0, "alice", "get", "a"),
                event(T0.plusSeconds(1), "bob", "create", "a"),
                event(T0.plusSeconds(2), "alice", "get", "b"),
                event(T0.plusSeconds(3), "alice", "list", ""),
                event(T0.plusSeconds(4), "bob", "delete", "b")));

        AuditPage page = store.query(f.query());

        assertThat(page.items()).extracting(e -> e.user() + "/" + e.verb() + "/" + e.namespace())
                .containsExactlyElementsOf(f.expectedKeys());
        assertThat(page.next()).isNull();
    }

    @Test
    void pagesCoverEveryEventOnceEvenWhenEventsArriveBetweenThem() {
        List<AuditEvent> before = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // several events per millisecond: ties are broken by id
            before.add(event(T0.plusMillis(i / 3), "alice", "get", "a"));
        }
        store.insert(before);

        List<AuditEvent> seen = new ArrayList<>();
        AuditPage page = store.query(AuditQuery.newest(10));
        seen.addAll(page.items());
        // newer events, and a late one (a watch recorded when it ended) older than the position
        AuditEvent late = event(T0.minusSeconds(60), "bob", "watch", "a");
        store.insert(List.of(event(T0.plusSeconds(10), "bob", "get", "a"), event(T0.plusSeconds(11), "bob", "get", "a"),
                late));
        int pages = 1;
        while (page.next() != null) {
            page = store.query(AuditQuery.newest(10).after(page.next()));
            seen.addAll(page.items());
            pages++;
        }

        assertThat(pages).isEqualTo(3);
        List<AuditEvent> expected = new ArrayList<>(before);
        expected.add(late);
        assertThat(seen).hasSize(26).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(new HashSet<>(seen)).hasSize(26);
        for (int i = 1; i < seen.size(); i++) {
            AuditEvent a = seen.get(i - 1);
            AuditEvent b = seen.get(i);
            assertThat(a.time().isAfter(b.time()) || (a.time().equals(b.time()) && a.id().compareTo(b.id()) > 0))
                    .as("newest first").isTrue();
        }
    }

    @Test
    void theLastFullPageHasNoContinue() {
        store.insert(List.of(event(T0, "alice", "get", "a"), event(T0.plusMillis(1), "alice", "get", "a")));

        AuditPage page = store.query(AuditQuery.newest(2));

        assertThat(page.items()).hasSize(2);
        assertThat(page.next()).isNull();
    }

    @Test
    void aPageOfLargeBodiesStopsEarlyAndContinues() {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            AuditEvent e = event(T0.plusMillis(i), "alice", "create", "a");
            events.add(e.withBody(new RecordedBody("x".repeat(900_000), false, null)));
        }
        store.insert(events);

        AuditPage page = store.query(AuditQuery.newest(100));

        assertThat(page.items()).hasSizeLessThan(12);
        assertThat(page.next()).isNotNull();
        assertThat(store.query(AuditQuery.newest(100).after(page.next())).items())
                .hasSize(12 - page.items().size());
    }

    @Test
    void retentionRemovesOldEventsAndAllButTheNewestRows() {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            events.add(event(T0.plus(Duration.ofDays(i)), "alice", "get", "a"));
        }
        store.insert(events);

        long byAge = store.purge(T0.plus(Duration.ofDays(3)), 1_000_000);
        long byCount = store.purge(T0, 5);

        assertThat(byAge).isEqualTo(3);
        assertThat(byCount).isEqualTo(4);
        List<AuditEvent> newest = new ArrayList<>(events.subList(7, 12));
        Collections.reverse(newest);
        assertThat(store.query(AuditQuery.newest(100)).items()).containsExactlyElementsOf(newest);
        assertThat(store.purge(T0, 5)).as("idempotent").isZero();
    }

    @Test
    void retentionDeletesInChunks() {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < JdbcAuditStore.PURGE_CHUNK + 5; i++) {
            events.add(event(T0.plusMillis(i), "alice", "get", "a"));
        }
        store.insert(events);

        assertThat(store.purge(T0.plus(Duration.ofDays(1)), 1_000_000)).isEqualTo(JdbcAuditStore.PURGE_CHUNK + 5);
        assertThat(store.query(AuditQuery.newest(1)).items()).isEmpty();
    }
}
