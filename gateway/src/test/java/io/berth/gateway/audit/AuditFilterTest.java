package io.berth.gateway.audit;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.request.RequestInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ApplicationContext;
import org.springframework.context.support.StaticApplicationContext;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import org.springframework.web.server.WebFilterChain;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The filter on mock exchanges, with later filters played by the chain: what each request leaves in the trail. */
class AuditFilterTest {

    private static final UserInfo ALICE = UserInfo.of("alice", "uid-a", List.of("devs", "system:authenticated"));
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.123456Z");

    private final RecordingStore store = new RecordingStore();
    private final AuditWriter writer = new AuditWriter(store, AuditProperties.defaults(), new SimpleMeterRegistry(),
            Clock.systemUTC(), Duration.ofSeconds(5));
    private final AuditFilter filter = new AuditFilter(writer, 64, Clock.fixed(NOW, ZoneOffset.UTC), null);

    {
        writer.start();
    }

    @AfterEach
    void stop() {
        writer.close();
    }

    private AuditEvent recorded() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !store.events.isEmpty());
        assertThat(store.events).hasSize(1);
        return store.events.get(0);
    }

    /** What a later filter does: maybe identify the user, then answer with a code. */
    record Downstream(String name, UserInfo user, boolean setsRequestInfo, int code, String expectedUser,
                      List<String> expectedGroups) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Downstream> answers() {
        return Stream.of(
                new Downstream("a request refused by authentication is recorded without a user", null, false, 401,
                        "", List.of()),
                new Downstream("a request refused by authorization is recorded with its user", ALICE, true, 403,
                        "alice", ALICE.groups()),
                new Downstream("a rate-limited request is recorded with its user", ALICE, false, 429, "alice",
                        ALICE.groups()),
                new Downstream("a served request is recorded with its user and code", ALICE, true, 200, "alice",
                        ALICE.groups()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void everyAnswerOfALaterFilterIsRecorded(Downstream d) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .get("/apis/apps/v1/namespaces/team/deployments/web/scale?pretty=true")
                .header(HttpHeaders.USER_AGENT, "kubectl/v1.32.0")
                .header("X-Forwarded-For", "203.0.113.9")
                .remoteAddress(new InetSocketAddress("192.0.2.7", 40000)));
        WebFilterChain chain = ex -> {
            // a later filter sets the attributes on its own mutated exchange: they are shared
            ServerWebExchange mutated = ex.mutate().build();
            if (d.user() != null) {
                mutated.getAttributes().put(AuditFilter.USER_ATTRIBUTE, d.user());
            }
            if (d.setsRequestInfo()) {
                mutated.getAttributes().put(AuditFilter.REQUEST_ATTRIBUTE, RequestInfo.parse("GET",
                        "/apis/apps/v1/namespaces/team/deployments/web/scale", null));
            }
            mutated.getResponse().setStatusCode(HttpStatus.valueOf(d.code()));
            return mutated.getResponse().setComplete();
        };

        filter.filter(exchange, chain).block();

        AuditEvent e = recorded();
        assertThat(e.user()).isEqualTo(d.expectedUser());
        assertThat(e.groups()).isEqualTo(d.expectedGroups());
        assertThat(e.code()).isEqualTo(d.code());
        assertThat(e.time()).isEqualTo(Instant.parse("2025-03-04T05:06:07.123Z"));
        assertThat(e.sourceIp()).isEqualTo("192.0.2.7");
        assertThat(e.verb()).isEqualTo("get");
        assertThat(e.apiGroup()).isEqualTo("apps");
        assertThat(e.resource()).isEqualTo("deployments");
        assertThat(e.subresource()).isEqualTo("scale");
        assertThat(e.namespace()).isEqualTo("team");
        assertThat(e.name()).isEqualTo("web");
        assertThat(e.requestUri()).isEqualTo("/apis/apps/v1/namespaces/team/deployments/web/scale?pretty=true");
        assertThat(e.userAgent()).isEqualTo("kubectl/v1.32.0");
        assertThat(e.requestBody()).isNull();
        assertThat(e.id()).isNotEmpty();
    }

    @Test
    void theLatencyIsTheTimeUntilTheResponseEnded() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .get("/api/v1/namespaces/team/pods?watch=true"));
        WebFilterChain chain = ex -> Mono.delay(Duration.ofMillis(300)).then();

        filter.filter(exchange, chain).block();

        AuditEvent e = recorded();
        assertThat(e.verb()).isEqualTo("watch");
        assertThat(e.latencyMs()).isBetween(300L, 10_000L);
    }

    @Test
    void aWritesBodyReachesUpstreamUnchangedAndIsRecordedRedacted() {
        String secret = "{\"kind\":\"Secret\",\"stringData\":{\"password\":\"hunter2\"}}";
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .post("/api/v1/namespaces/team/secrets")
                .contentType(MediaType.APPLICATION_JSON)
                .body(Flux.just(buffer(secret.substring(0, 20)), buffer(secret.substring(20)))));
        AtomicReference<String> upstream = new AtomicReference<>();
        WebFilterChain chain = ex -> DataBufferUtils.join(ex.getRequest().getBody())
                .doOnNext(b -> upstream.set(b.toString(StandardCharsets.UTF_8)))
                .then(Mono.fromRunnable(() -> ex.getResponse().setStatusCode(HttpStatus.CREATED)));

        filter.filter(exchange, chain).block();

        assertThat(upstream.get()).isEqualTo(secret);
        AuditEvent e = recorded();
        assertThat(e.code()).isEqualTo(201);
        assertThat(e.verb()).isEqualTo("create");
        assertThat(e.requestBody()).isEqualTo("{\"kind\":\"Secret\",\"stringData\":{\"password\":\"<redacted>\"}}");
        assertThat(e.bodyTruncated()).isFalse();
    }

    @Test
    void aBodyBeyondTheLimitPassesWholeAndIsRecordedTruncated() {
        String body = "{\"kind\":\"ConfigMap\",\"data\":{\"a\":\"" + "x".repeat(200) + "\"}}";
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .put("/api/v1/namespaces/team/configmaps/c")
                .contentType(MediaType.APPLICATION_JSON)
                .body(Flux.just(buffer(body.substring(0, 50)), buffer(body.substring(50, 100)),
                        buffer(body.substring(100)))));
        AtomicReference<String> upstream = new AtomicReference<>();
        WebFilterChain chain = ex -> DataBufferUtils.join(ex.getRequest().getBody())
                .doOnNext(b -> upstream.set(b.toString(StandardCharsets.UTF_8))).then();

        filter.filter(exchange, chain).block();

        assertThat(upstream.get()).isEqualTo(body);
        AuditEvent e = recorded();
        assertThat(e.requestBody()).isEqualTo(body.substring(0, 64));
        assertThat(e.bodyTruncated()).isTrue();
    }

    @Test
    void aGetsBodyIsNeverRead() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .get("/api/v1/namespaces/team/configmaps/c"));
        AtomicReference<Object> forwarded = new AtomicReference<>();
        WebFilterChain chain = ex -> {
            forwarded.set(ex.getRequest());
            return Mono.empty();
        };

        filter.filter(exchange, chain).block();

        assertThat(forwarded.get()).isSameAs(exchange.getRequest());
        assertThat(recorded().requestBody()).isNull();
    }

    @Test
    void anExecStreamIsNeverRead() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .post("/api/v1/namespaces/team/pods/web/exec?command=sh").body("echo hunter2"));
        AtomicReference<Object> forwarded = new AtomicReference<>();
        WebFilterChain chain = ex -> {
            forwarded.set(ex.getRequest());
            return DataBufferUtils.join(ex.getRequest().getBody()).then();
        };

        filter.filter(exchange, chain).block();

        assertThat(forwarded.get()).isSameAs(exchange.getRequest());
        assertThat(recorded().requestBody()).isNull();
    }

    @Test
    void aBodyThatLaterFiltersNeverReadIsNotRecorded() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
                .post("/api/v1/namespaces/team/configmaps").body("{\"kind\":\"ConfigMap\"}"));
        WebFilterChain chain = ex -> {
            ex.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
            return ex.getResponse().setComplete();
        };

        filter.filter(exchange, chain).block();

        AuditEvent e = recorded();
        assertThat(e.code()).isEqualTo(401);
        assertThat(e.requestBody()).isNull();
        assertThat(e.bodyNote()).isNull();
    }

    @Test
    void anErrorIsRecordedWithTheCodeItWillBeAnsweredWith() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/nodes"));
        WebFilterChain chain = ex -> Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE));

        filter.filter(exchange, chain).onErrorComplete().block();

        assertThat(recorded().code()).isEqualTo(503);
    }

    @Test
    void anUnexpectedErrorIsRecordedAsInternal() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/nodes"));
        WebFilterChain chain = ex -> Mono.error(new IllegalStateException("boom"));

        filter.filter(exchange, chain).onErrorComplete().block();

        assertThat(recorded().code()).isEqualTo(500);
    }

    @Test
    void aClientThatLeavesBeforeTheAnswerIsRecordedAs499() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods"));
        WebFilterChain chain = ex -> Mono.never();

        Disposable request = filter.filter(exchange, chain).subscribe();
        request.dispose();

        AuditEvent e = recorded();
        assertThat(e.code()).isEqualTo(AuditFilter.CLIENT_CLOSED);
        assertThat(e.verb()).isEqualTo("list");
        assertThat(e.user()).isEmpty();
    }

    @Test
    void aNonResourcePathIsRecordedWithItsMethodAsVerb() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/healthz"));

        filter.filter(exchange, ex -> Mono.empty()).block();

        AuditEvent e = recorded();
        assertThat(e.verb()).isEqualTo("get");
        assertThat(e.resource()).isEmpty();
        assertThat(e.namespace()).isEmpty();
        assertThat(e.code()).isEqualTo(200);
    }

    @Test
    void theManagementServersRequestsAreNotRecorded() {
        StaticApplicationContext frontDoor = new StaticApplicationContext();
        StaticApplicationContext management = new StaticApplicationContext(frontDoor);
        AuditFilter scoped = new AuditFilter(writer, 64, Clock.systemUTC(), frontDoor);

        scoped.filter(in(management, MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/prometheus"))),
                ex -> Mono.empty()).block();
        scoped.filter(in(frontDoor, MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/pods"))),
                ex -> Mono.empty()).block();

        assertThat(recorded().requestUri()).isEqualTo("/api/v1/pods");
    }

    private static ServerWebExchange in(ApplicationContext context, ServerWebExchange exchange) {
        return new ServerWebExchangeDecorator(exchange) {
            @Override
            public ApplicationContext getApplicationContext() {
                return context;
            }
        };
    }

    private static DataBuffer buffer(String s) {
        return DefaultDataBufferFactory.sharedInstance.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
