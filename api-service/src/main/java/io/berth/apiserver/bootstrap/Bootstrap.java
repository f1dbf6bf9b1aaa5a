package io.berth.apiserver.bootstrap;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.watch.WatchCaches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every replica makes sure of once etcd is reachable (its watch caches have loaded), before it reports ready:
 * the system namespaces ({@link SystemNamespaces}), then the default RBAC policy ({@link BootstrapRoles}) and the
 * system priority classes ({@link BootstrapPriorityClasses}). A failed attempt (etcd unavailable) is retried with a
 * growing pause, up to 30 s, until it succeeds or the replica stops.
 * Lifecycle: {@link #start()} once, {@link #close()} to stop retrying. Thread safe.
 */
public final class Bootstrap implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final EtcdStore store;
    private final ResourceRegistry registry;
    private final WatchCaches caches;
    private final Clock clock;
    private final ScheduledExecutorService retries;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean done;
    private volatile boolean closed;

    public Bootstrap(EtcdStore store, ResourceRegistry registry, WatchCaches caches, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.caches = caches;
        this.clock = clock;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bootstrap-retry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the bootstrap once the watch caches are ready; returns at once. */
    public void start() {
        if (started.compareAndSet(false, true)) {
            caches.ready().whenComplete((ok, error) -> attempt(FIRST_RETRY));
        }
    }

    /** True once the namespaces, the default policy and the system priority classes exist. */
    public boolean isDone() {
        return done;
    }

    private void attempt(Duration nextPause) {
        if (closed) {
            return;
        }
        SystemNamespaces.ensure(store, registry.find("", "v1", "namespaces").orElseThrow(), clock)
                .thenCompose(ignored -> CompletableFuture.allOf(BootstrapRoles.ensure(store, registry, clock),
                        BootstrapPriorityClasses.ensure(store, registry, clock)))
                .whenComplete((ok, error) -> {
                    if (error == null) {
                        done = true;
                        log.info("system namespaces, default RBAC policy and system priority classes are in place");
                        return;
                    }
                    if (closed) {
                        return;
                    }
                    log.warn("could not create the system namespaces, the default RBAC policy or the system priority"
                            + " classes, retrying in {}: {}", nextPause, error.toString());
                    Duration after = nextPause.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY
                            : nextPause.multipliedBy(2);
                    try {
                        retries.schedule(() -> attempt(after), nextPause.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.RejectedExecutionException stopped) {
                        // closed meanwhile
                    }
                });
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
    }
}
