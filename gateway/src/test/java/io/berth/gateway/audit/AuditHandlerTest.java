package io.berth.gateway.audit;

import com.zaxxer.hikari.HikariDataSource;
import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunctions;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /audit/v1/events} over a real H2 store: who sees which entries, paging and the Status errors. */
class AuditHandlerTest {

    private static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123Z");
    private static final UserInfo ADMIN = UserInfo.of("admin", "", List.of("system:masters"));
    private static final UserInfo TEAM_ADMIN = UserInfo.of("carol", "", List.of("team-leads"));
    private static final UserInfo NOBODY = UserInfo.of("mallory", "", List.of("system:authenticated"));

    @TempDir
    Path dir;
    private HikariDataSource dataSource;
    private WebTestClient client;
    private final List<String> threads = new CopyOnWriteArrayList<>();

    /** seesAll for admin; carol administers namespaces a and b; nobody else anything. Remembers its threads. */
    private final AuditAccess access = new AuditAccess() {
        @Override
        public boolean seesAll(UserInfo user) {
            threads.add(Thread.currentThread().getName());
            return user.inGroup("system:masters");
        }

        @Override
        public Set<String> adminNamespaces(UserInfo user) {
            threads.add(Thread.currentThread().getName());
            return user.name().equals("carol") ? Set.of("a", "b") : Set.of();
        }
    };

    @BeforeEach
    void start() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:h2:file:" + dir.resolve("audit") + ";DB_CLOSE_ON_EXIT=FALSE");
        JdbcAuditStore store = new JdbcAuditStore(dataSource);
        store.createSchema();
        store.insert(List.of(
                event(T0, "alice", "get", "a"),
                event(T0.plusSeconds(1), "bob", "create", "b"),
                event(T0.plusSeconds(2), "alice", "list", ""),
                event(T0.plusSeconds(3), "bob", "delete", "c"),
                event(T0.plusSeconds(4), "alice", "get", "a")));
        AuditStore threadRecording = new AuditStore() {
            @Override
            public void insert(List<AuditEvent> events) {
                store.insert(events);
            }

            @Override
            public AuditPage query(AuditQuery query) {
                threads.add(Thread.currentThread().getName());
                return store.query(query);
            }

            @Override
            public long purge(Instant olderThan, long keepNewest) {
                return store.purge(olderThan, keepNewest);
            }
        };
        AuditHandler handler = new AuditHandler(threadRecording, access, Schedulers.boundedElastic());
        client = WebTestClient.bindToRouterFunction(RouterFunctions.route()
                        .GET(AuditHandler.PATH, handler::list).build())
                .webFilter((exchange, chain) -> {
                    // the authentication filter's part: a test header names the user
                    String name = exchange.getRequest().getHeaders().getFirst("Test-User");
                    Map<String, UserInfo> users = Map.of("admin", ADMIN, "carol", TEAM_ADMIN, "mallory", NOBODY);
                    if (name != null) {
                        exchange.getAttributes().put(AuditFilter.USER_ATTRIBUTE, users.get(name));
                    }
                    return chain.filter(exchange);
                })
                .build();
    }

    @AfterEach
    void stop() {
        dataSource.close();
    }

    private static AuditEvent event(Instant time, String user, String verb, String namespace) {
        return new AuditEvent(UUID.randomUUID().toString(), time, user, List.of("devs"), "192.0.2.7", verb, "",
                namespace.isEmpty() ? "namespaces" : "pods", "", namespace, "web", "/api/v1/x", 200, 3, "kubectl",
                null, false, null);
    }

    private EntityExchangeResult<byte[]> get(String user, String query) {
        WebTestClient.RequestHeadersSpec<?> spec = client.get().uri(URI.create(AuditHandler.PATH + query));
        if (user != null) {
            spec = spec.header("Test-User", user);
        }
        return spec.exchange().expectBody().returnResult();
    }

    private static JsonNode json(EntityExchangeResult<byte[]> result) {
        return Json.tree(result.getResponseBody());
    }

    private static List<String> keys(JsonNode list) {
        List<String> keys = new ArrayList<>();
        list.path("items").forEach(i -> keys.add(i.path("user").asString() + "/" + i.path("verb").asString() + "/"
                + i.path("namespace").asString()));
        return keys;
    }

    record Visibility(String name, String user, String query, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Visibility> visibility() {
        return Stream.of(
                new Visibility("a cluster admin sees every entry, newest first", "admin", "",
                        List.of("alice/get/a", "bob/delete/c", "alice/list/", "bob/create/b", "alice/get/a")),
                new Visibility("a cluster admin filters by namespace", "admin", "?namespace=c", List.of("bob/delete/c")),
                new Visibility("a namespace admin sees their namespaces only, no cluster-scoped entries", "carol", "",
                        List.of("alice/get/a", "bob/create/b", "alice/get/a")),
                new Visibility("a namespace admin filters within their namespaces", "carol", "?namespace=b&verb=create",
                        List.of("bob/create/b")),
                new Visibility("filters by user, verb and since combine", "admin",
                        "?user=alice&verb=get&since=2025-03-04T05:06:08Z", List.of("alice/get/a")),
                new Visibility("since accepts an offset", "admin", "?since=2025-03-04T06:06:10%2B01:00",
                        List.of("alice/get/a", "bob/delete/c")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("visibility")
    void usersSeeTheEntriesTheyMay(Visibility v) {
        EntityExchangeResult<byte[]> result = get(v.user(), v.query());

        assertThat(result.getStatus().value()).as(new String(result.getResponseBody())).isEqualTo(200);
        JsonNode list = json(result);
        assertThat(keys(list)).containsExactlyElementsOf(v.expected());
        assertThat(list.has("continue")).isFalse();
    }

    record Refusal(String name, String user, String query, int code, String reason, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("no authenticated user is unauthorized", null, "", 401, "Unauthorized", "Unauthorized"),
                new Refusal("a user who administers nothing is forbidden", "mallory", "", 403, "Forbidden",
                        "forbidden: User \"mallory\" cannot get path \"/audit/v1/events\""),
                new Refusal("a namespace admin asking for another namespace is forbidden", "carol", "?namespace=c",
                        403, "Forbidden", "forbidden: User \"carol\" cannot get path \"/audit/v1/events\" in the "
                        + "namespace \"c\": only admins of a namespace may read its audit trail"),
                new Refusal("authorization comes before validation", "mallory", "?limit=abc", 403, "Forbidden",
                        "forbidden: User \"mallory\" cannot get path \"/audit/v1/events\""),
                new Refusal("a since that is not RFC 3339 is a bad request", "admin", "?since=yesterday", 400,
                        "BadRequest", "invalid since \"yesterday\": expected an RFC 3339 time such as 2006-01-02T15:04:05Z"),
                new Refusal("a since without offset is a bad request", "admin", "?since=2025-03-04T05:06:07", 400,
                        "BadRequest", "invalid since \"2025-03-04T05:06:07\": expected an RFC 3339 time such as "
                        + "2006-01-02T15:04:05Z"),
                new Refusal("a limit that is not a number is a bad request", "admin", "?limit=ten", 400, "BadRequest",
                        "invalid limit \"ten\": expected a positive integer"),
                new Refusal("a zero limit is a bad request", "admin", "?limit=0", 400, "BadRequest",
                        "invalid limit \"0\": expected a positive integer"),
                new Refusal("a negative limit is a bad request", "carol", "?limit=-5", 400, "BadRequest",
                        "invalid limit \"-5\": expected a positive integer"),
                new Refusal("a garbled continue token is a bad request", "admin", "?continue=%25%25%25", 400,
                        "BadRequest", "continue key is not valid: not base64"),
                new Refusal("a forged continue token is a bad request", "admin", "?continue=djE6bm90LWEtdGltZTp4", 400,
                        "BadRequest", "continue key is not valid: bad time"),
                new Refusal("a token of another format is a bad request", "admin", "?continue=aGVsbG8", 400,
                        "BadRequest", "continue key is not valid: unknown format"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusalsAreKubernetesStatusObjects(Refusal r) {
        EntityExchangeResult<byte[]> result = get(r.user(), r.query());

        assertThat(result.getStatus().value()).isEqualTo(r.code());
        JsonNode status = json(result);
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("status").asString()).isEqualTo("Failure");
        assertThat(status.path("code").asInt()).isEqualTo(r.code());
        assertThat(status.path("reason").asString()).isEqualTo(r.reason());
        assertThat(status.path("message").asString()).isEqualTo(r.message());
    }

    @Test
    void pagesFollowTheContinueTokenToTheEnd() {
        List<String> seen = new ArrayList<>();
        JsonNode page = json(get("admin", "?limit=2"));
        seen.addAll(keys(page));
        int pages = 1;
        while (page.has("continue")) {
            page = json(get("admin", "?limit=2&continue=" + page.path("continue").asString()));
            seen.addAll(keys(page));
            pages++;
        }

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("alice/get/a", "bob/delete/c", "alice/list/", "bob/create/b", "alice/get/a");
    }

    @Test
    void aLimitAboveTheMaximumIsServedAsTheMaximum() {
        assertThat(AuditHandler.limit("999999")).isEqualTo(AuditHandler.MAX_LIMIT);
        assertThat(AuditHandler.limit(null)).isEqualTo(AuditHandler.DEFAULT_LIMIT);
        assertThat(get("admin", "?limit=999999").getStatus().value()).isEqualTo(200);
    }

    @Test
    void anEntryCarriesEveryField() {
        JsonNode item = json(get("admin", "?limit=1")).path("items").get(0);

        assertThat(item.path("time").asString()).isEqualTo("2025-03-04T05:06:11.123Z");
        assertThat(item.path("id").asString()).hasSize(36);
        assertThat(item.path("groups").get(0).asString()).isEqualTo("devs");
        assertThat(item.path("sourceIP").asString()).isEqualTo("192.0.2.7");
        assertThat(item.path("resource").asString()).isEqualTo("pods");
        assertThat(item.path("name").asString()).isEqualTo("web");
        assertThat(item.path("requestURI").asString()).isEqualTo("/api/v1/x");
        assertThat(item.path("code").asInt()).isEqualTo(200);
        assertThat(item.path("latencyMs").asLong()).isEqualTo(3);
        assertThat(item.path("userAgent").asString()).isEqualTo("kubectl");
        assertThat(item.has("requestBody")).isFalse();
    }

    @Test
    void accessChecksAndQueriesRunOffTheEventLoop() {
        get("carol", "");

        assertThat(threads).hasSize(3).allMatch(t -> t.startsWith("boundedElastic"));
    }
}
