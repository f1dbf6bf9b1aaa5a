package io.berth.gateway.routing;

import io.berth.gateway.routing.ApiServerInstances.Replica;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Actively probes a replica whose circuit breaker is open: {@code GET /readyz} every interval over the gateway's
 * own mutual-TLS client, and on a 200 moves the breaker to half-open so that the next request is its trial, without
 * waiting for the rest of the open period. A probe loop runs only while its replica's breaker is open, and stops by
 * itself when it no longer is; nothing runs while every replica is healthy. Thread safe; {@link #close} stops it.
 */
public final class ReadinessProbe implements AutoCloseable {

    private final Function<Replica, Mono<Boolean>> ready;
    private final Duration interval;
    private final Scheduler scheduler;
    private final Map<String, Disposable> probing = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param ready answers whether a replica is ready; errors count as not ready
     */
    public ReadinessProbe(ApiServerInstances instances, Function<Replica, Mono<Boolean>> ready, Duration interval,
                          Scheduler scheduler) {
        this.ready = ready;
        this.interval = interval;
        this.scheduler = scheduler;
        instances.onOpen(this::probe);
    }

    /** Asks {@code /readyz} of the replica: ready when it answers 200 within the timeout. */
    public static Function<Replica, Mono<Boolean>> readyz(HttpClient client, Duration timeout) {
        HttpClient probing = client.responseTimeout(timeout);
        return replica -> probing.get()
                .uri(replica.instance().getUri().resolve("/readyz").toString())
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> response.status().code() == 200))
                .timeout(timeout.multipliedBy(2));
    }

    /** Starts probing the replica unless a probe of it is running already. Idempotent. */
    void probe(Replica replica) {
        if (closed) {
            return;
        }
        probing.computeIfAbsent(replica.address(), address -> Flux.interval(interval, scheduler)
                .takeWhile(tick -> replica.isOpen() && !closed)
                .concatMap(tick -> ready.apply(replica).onErrorReturn(false))
                .filter(Boolean::booleanValue)
                .next()
                .doFinally(signal -> {
                    probing.remove(address);
                    // reopened (a failed trial) while this loop was ending: probe it again
                    if (replica.isOpen() && !closed) {
                        probe(replica);
                    }
                })
                .subscribe(readyNow -> halfOpen(replica)));
    }

    boolean isProbing(Replica replica) {
        return probing.containsKey(replica.address());
    }

    @Override
    public void close() {
        closed = true;
        probing.values().forEach(Disposable::dispose);
        probing.clear();
    }

    private static void halfOpen(Replica replica) {
        if (replica.breaker().getState() == CircuitBreaker.State.OPEN) {
            try {
                replica.breaker().transitionToHalfOpenState();
            } catch (IllegalStateTransitionException raced) {
                // a request took the half-open trial first
            }
        }
    }
}
