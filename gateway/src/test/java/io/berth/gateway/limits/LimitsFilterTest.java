package io.berth.gateway.limits;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.json.Json;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LimitsFilterTest {

    private static final UserInfo ALICE = UserInfo.of("alice", "", List.of("system:authenticated"));
    private static final UserInfo BOB = UserInfo.of("bob", "", List.of("system:authenticated"));
    private static final UserInfo ADMIN = UserInfo.of("admin", "", List.of("system:masters"));
    private static final UserInfo NODE = UserInfo.of("system:node:node-1", "",
            List.of("system:nodes", "system:authenticated"));
    private static final String NODE_LEASE = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1";

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HeldChain chain = new HeldChain();

    /** global-default: 8 seats, 2 per user, 8 queue places, 2 per user; node-high: 4 seats. */
    private LimitsFilter filter(Duration queueWait, int limitForPeriod) {
        LimitsProperties defaults = LimitsProperties.defaults();
        LimitsProperties props = new LimitsProperties(true, queueWait, 8, Duration.ofMinutes(5), 100,
                defaults.exemptGroups(), defaults.systemUsers(), defaults.simulatorUsers(),
                Map.of("global-default", new LimitsProperties.Level(8, 0.25, limitForPeriod, Duration.ofMinutes(1)),
                        "node-high", new LimitsProperties.Level(4, 0.25, 100, Duration.ofMinutes(1))));
        return new LimitsFilter(props, meters, BulkheadRegistry.ofDefaults(), Schedulers.parallel());
    }

    /** A chain whose requests run until the test releases them. */
    static final class HeldChain implements WebFilterChain {
        final List<Sinks.Empty<Void>> running = new CopyOnWriteArrayList<>();

        @Override
        public Mono<Void> filter(org.springframework.web.server.ServerWebExchange exchange) {
            Sinks.Empty<Void> done = Sinks.empty();
            running.add(done);
            return done.asMono();
        }

        void releaseOne() {
            running.remove(0).tryEmitEmpty();
        }
    }

    private record Sent(MockServerWebExchange exchange, Disposable subscription) {
        HttpStatus status() {
            return (HttpStatus) exchange.getResponse().getStatusCode();
        }

        boolean rejected() {
            return exchange.getResponse().getStatusCode() == HttpStatus.TOO_MANY_REQUESTS;
        }
    }

    private Sent send(LimitsFilter filter, UserInfo user, HttpMethod method, String uri) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(method, uri));
        if (user != null) {
            exchange.getAttributes().put(LimitsFilter.USER_ATTRIBUTE, user);
        }
        return new Sent(exchange, filter.filter(exchange, chain).subscribe());
    }

    private List<Sent> flood(LimitsFilter filter, UserInfo user, int n) {
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(send(filter, user, HttpMethod.GET, "/api/v1/namespaces/team-a/pods"));
        }
        return sent;
    }

    private double rejected(String level, String reason) {
        var counter = meters.find("apiserver.flowcontrol.rejected.requests")
                .tags("priority_level", level, "reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void oneUsersFloodGets429AfterItsShareWhileAnotherUserAndANodeLeaseStillGetSeats() {
        LimitsFilter filter = filter(Duration.ofMillis(300), 1000);

        List<Sent> alice = flood(filter, ALICE, 10);
        Sent bob = send(filter, BOB, HttpMethod.GET, "/api/v1/namespaces/team-b/pods");
        Sent lease = send(filter, NODE, HttpMethod.PUT, NODE_LEASE);

        assertThat(alice).filteredOn(Sent::rejected).as("beyond 2 executing and 2 queued").hasSize(6);
        assertThat(chain.running).as("alice's 2, bob's and the node's").hasSize(4);
        assertThat(bob.exchange().getAttributes()).containsEntry(LimitsFilter.PRIORITY_LEVEL_ATTRIBUTE,
                "global-default");
        assertThat(lease.exchange().getAttributes()).containsEntry(LimitsFilter.PRIORITY_LEVEL_ATTRIBUTE,
                "node-high");
        assertThat(filter.level("global-default").waiting()).isEqualTo(2);
        assertThat(rejected("global-default", "queue-full")).isEqualTo(6);

        await().atMost(Duration.ofSeconds(5)).until(() -> alice.stream().filter(Sent::rejected).count() == 8);
        assertThat(rejected("global-default", "time-out")).isEqualTo(2);
        assertThat(filter.level("global-default").waiting()).isZero();
        assertThat(filter.level("global-default").executing()).isEqualTo(3);
        assertThat(meters.scrape())
                .contains("apiserver_flowcontrol_rejected_requests_total{priority_level=\"global-default\","
                        + "reason=\"queue-full\"} 6.0")
                .contains("apiserver_flowcontrol_current_executing_requests{priority_level=\"global-default\"} 3.0")
                .contains("apiserver_flowcontrol_current_executing_requests{priority_level=\"node-high\"} 1.0");
    }

    @Test
    void aReleasedSeatGoesToTheWaitingRequestAndTheSeatIsGivenBackWhenItEnds() {
        LimitsFilter filter = filter(Duration.ofSeconds(30), 1000);
        List<Sent> alice = flood(filter, ALICE, 3);
        assertThat(chain.running).hasSize(2);

        chain.releaseOne();

        assertThat(chain.running).as("the waiting request runs on the freed seat").hasSize(2);
        assertThat(alice).noneMatch(Sent::rejected);
        chain.releaseOne();
        chain.releaseOne();
        assertThat(filter.level("global-default").executing()).isZero();
        assertThat(filter.level("global-default").waiting()).isZero();
    }

    @Test
    void aWaitingRequestWhoseClientLeavesGivesBackItsPlaceInTheQueue() {
        LimitsFilter filter = filter(Duration.ofSeconds(30), 1000);
        List<Sent> alice = flood(filter, ALICE, 3);

        alice.get(2).subscription().dispose();

        assertThat(filter.level("global-default").waiting()).isZero();
        assertThat(rejected("global-default", "cancelled")).isEqualTo(1);
        chain.releaseOne();
        assertThat(chain.running).as("nobody is left to take the seat").hasSize(1);
        assertThat(filter.level("global-default").executing()).isEqualTo(1);
    }

    @Test
    void aUserOverItsRateGets429WithRetryAfterAndAKubernetesStatus() {
        LimitsFilter filter = filter(Duration.ofSeconds(1), 3);
        for (int i = 0; i < 3; i++) {
            assertThat(send(filter, ALICE, HttpMethod.GET, "/api/v1/namespaces/team-a/pods").rejected()).isFalse();
        }

        Sent fourth = send(filter, ALICE, HttpMethod.GET, "/api/v1/namespaces/team-a/pods");

        assertThat(fourth.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        String retryAfter = fourth.exchange().getResponse().getHeaders().getFirst("Retry-After");
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 60L);
        JsonNode status = Json.tree(fourth.exchange().getResponse().getBodyAsString().block()
                .getBytes(StandardCharsets.UTF_8));
        assertThat(status.path("kind").asString("")).isEqualTo("Status");
        assertThat(status.path("apiVersion").asString("")).isEqualTo("v1");
        assertThat(status.path("status").asString("")).isEqualTo("Failure");
        assertThat(status.path("reason").asString("")).isEqualTo("TooManyRequests");
        assertThat(status.path("message").asString("")).isEqualTo("Too many requests, please try again later.");
        assertThat(status.path("code").asInt()).isEqualTo(429);
        assertThat(status.path("details").path("retryAfterSeconds").asLong()).isEqualTo(Long.parseLong(retryAfter));
        assertThat(send(filter, BOB, HttpMethod.GET, "/api/v1/pods").rejected()).as("bob has his own rate").isFalse();
        assertThat(rejected("global-default", "rate-limit")).isEqualTo(1);
    }

    @Test
    void watchesTakeNoSeatButCountForTheRateWhenTheyStart() {
        LimitsFilter filter = filter(Duration.ofSeconds(30), 6);
        flood(filter, ALICE, 2);

        List<Sent> watches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            watches.add(send(filter, ALICE, HttpMethod.GET, "/api/v1/namespaces/team-a/pods?watch=true"));
        }
        Sent overRate = send(filter, ALICE, HttpMethod.GET, "/api/v1/namespaces/team-a/pods?watch=true");

        assertThat(watches).noneMatch(Sent::rejected);
        assertThat(chain.running).as("2 seats plus 4 watches").hasSize(6);
        assertThat(overRate.rejected()).isTrue();
        assertThat(filter.level("global-default").executing()).isEqualTo(2);
        assertThat(meters.get("apiserver.longrunning.requests").tag("priority_level", "global-default")
                .gauge().value()).isEqualTo(4);
    }

    @Test
    void systemMastersAndHealthProbesAreNeverLimited() {
        LimitsFilter filter = filter(Duration.ofMillis(100), 1);

        List<Sent> admin = flood(filter, ADMIN, 50);
        List<Sent> probes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            probes.add(send(filter, null, HttpMethod.GET, "/readyz"));
        }

        assertThat(admin).noneMatch(Sent::rejected);
        assertThat(probes).noneMatch(Sent::rejected);
        assertThat(chain.running).hasSize(100);
        assertThat(filter.level("exempt").executing()).isEqualTo(100);
    }

    @Test
    void anonymousRequestsShareOneFlowOfGlobalDefault() {
        LimitsFilter filter = filter(Duration.ofSeconds(30), 1000);

        List<Sent> versions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            versions.add(send(filter, null, HttpMethod.GET, "/version"));
        }

        assertThat(chain.running).hasSize(2);
        assertThat(versions).filteredOn(Sent::rejected).hasSize(2);
        assertThat(send(filter, ALICE, HttpMethod.GET, "/api/v1/pods").rejected()).isFalse();
        assertThat(chain.running).hasSize(3);
    }
}
