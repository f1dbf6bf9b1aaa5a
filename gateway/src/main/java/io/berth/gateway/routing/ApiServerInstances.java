package io.berth.gateway.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;

import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The api-service replicas, each behind a Resilience4j circuit breaker that decides whether it is in the rotation.
 * A breaker opens when half of the replica's last calls failed (connection failures, premature closes, 502-504;
 * at least {@value #MINIMUM_CALLS} calls), or at once when a connection to it is refused or times out; an open
 * replica is skipped by {@link #choose} until {@code waitInOpen} has passed, then gets one trial request (half-open)
 * whose outcome closes or reopens it. When no replica may be tried, one is tried anyway, round robin: better an
 * attempt than a certain 503. Thread safe.
 */
public final class ApiServerInstances {

    public static final String SERVICE_ID = "api-service";

    static final int SLIDING_WINDOW = 10;
    static final int MINIMUM_CALLS = 4;
    static final float FAILURE_RATE = 50;

    /** One replica and its breaker; the breaker's name is the replica's {@code host:port}. */
    public record Replica(ServiceInstance instance, CircuitBreaker breaker) {

        public String address() {
            return breaker.getName();
        }

        /** Records an answered call (any status but 502-504). */
        public void succeeded(long nanos) {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }

        /** Records a failed call; a refused or timed-out connection opens the breaker at once. */
        void failed(long nanos, Throwable cause) {
            breaker.onError(nanos, TimeUnit.NANOSECONDS, cause);
            if (isConnectFailure(cause) && breaker.getState() == CircuitBreaker.State.CLOSED) {
                try {
                    breaker.transitionToOpenState();
                } catch (IllegalStateTransitionException raced) {
                    // another request opened it first
                }
            }
        }

        /** The call ended without an outcome about the replica (cancelled, or failed elsewhere). */
        public void abandoned(boolean permitted) {
            if (permitted) {
                breaker.releasePermission();
            }
        }

        public boolean isOpen() {
            CircuitBreaker.State state = breaker.getState();
            return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
        }
    }

    /**
     * The load balancer's answer: the replica and whether its breaker permitted the call (a permitted half-open
     * trial must report its outcome or give the permission back).
     */
    public record Choice(Replica replica, boolean permitted) implements Response<ServiceInstance> {

        @Override
        public boolean hasServer() {
            return true;
        }

        @Override
        public ServiceInstance getServer() {
            return replica.instance();
        }
    }

    private final List<Replica> replicas;
    private final List<ServiceInstance> all;
    private final Map<String, Replica> byAddress;
    private final AtomicInteger next = new AtomicInteger();
    private final List<Consumer<Replica>> openListeners = new CopyOnWriteArrayList<>();

    /** Replicas whose breakers stay open for {@code waitInOpen} (the former ejection period). */
    public ApiServerInstances(List<URI> servers, Clock clock, Duration waitInOpen) {
        this(servers, breakerConfig(clock, waitInOpen));
    }

    public ApiServerInstances(List<URI> servers, CircuitBreakerConfig config) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("berth.gateway.api-servers names no replica");
        }
        List<Replica> list = new ArrayList<>();
        Map<String, Replica> addresses = new HashMap<>();
        int i = 0;
        for (URI uri : servers) {
            ServiceInstance instance = new DefaultServiceInstance(SERVICE_ID + "-" + i++, SERVICE_ID, uri.getHost(),
                    uri.getPort(), "https".equals(uri.getScheme()));
            Replica replica = new Replica(instance, CircuitBreaker.of(address(uri), config));
            list.add(replica);
            addresses.put(replica.address(), replica);
        }
        this.replicas = List.copyOf(list);
        this.all = list.stream().map(Replica::instance).toList();
        this.byAddress = Map.copyOf(addresses);
    }

    /** The breaker settings: a count window of the last 10 calls, half failing opens, one half-open trial. */
    public static CircuitBreakerConfig breakerConfig(Clock clock, Duration waitInOpen) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(SLIDING_WINDOW)
                .minimumNumberOfCalls(MINIMUM_CALLS)
                .failureRateThreshold(FAILURE_RATE)
                .waitDurationInOpenState(waitInOpen)
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
    }

    public List<ServiceInstance> all() {
        return all;
    }

    public List<Replica> replicas() {
        return replicas;
    }

    /** The replicas whose breaker is not open (all of them when every one is open). */
    public List<ServiceInstance> available() {
        List<ServiceInstance> closed = replicas.stream().filter(r -> !r.isOpen()).map(Replica::instance).toList();
        return closed.isEmpty() ? all : closed;
    }

    /**
     * Picks the next replica round robin among those not yet {@code tried} by this request whose breaker permits a
     * call; a replica whose open period is over gets its half-open trial this way. When none permits, the next
     * untried one (or, when all were tried, the next one) without a permission.
     */
    public Choice choose(Set<String> tried) {
        int n = replicas.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Replica r = replicas.get((start + i) % n);
            if (!tried.contains(r.address()) && r.breaker().tryAcquirePermission()) {
                return new Choice(r, true);
            }
        }
        for (int i = 0; i < n; i++) {
            Replica r = replicas.get((start + i) % n);
            if (!tried.contains(r.address())) {
                return new Choice(r, false);
            }
        }
        return new Choice(replicas.get(start), false);
    }

    /** The replica a request URL points at. */
    public Optional<Replica> replica(URI uri) {
        return uri == null ? Optional.empty() : Optional.ofNullable(byAddress.get(address(uri)));
    }

    /** Calls {@code listener} whenever a failure recorded through {@link #failed} leaves a breaker open. */
    public void onOpen(Consumer<Replica> listener) {
        openListeners.add(listener);
    }

    /**
     * Records a failed call to the replica (a refused or timed-out connection opens its breaker at once) and tells
     * the listeners when the breaker is open afterwards.
     */
    public void failed(Replica replica, long nanos, Throwable cause) {
        replica.failed(nanos, cause);
        if (replica.isOpen()) {
            openListeners.forEach(l -> l.accept(replica));
        }
    }

    static boolean isConnectFailure(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static String address(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }
}
