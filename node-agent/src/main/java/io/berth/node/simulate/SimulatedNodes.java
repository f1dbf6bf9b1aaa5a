package io.berth.node.simulate;

import io.berth.node.config.NodeProperties;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Simulated mode, like KWOK: one agent stands in for {@code berth.node.simulate.count} nodes named
 * {@code <namePrefix><i>}. It registers them (creating each Node with a ready status and its Lease, or adopting
 * those a previous run left), renews every Lease each {@code berth.node.lease-renew-interval} and writes every
 * Node's status each {@code berth.node.status-update-interval}, both spread evenly over the interval (node
 * {@code i} at offset {@code i × interval / count}), and moves the pods bound to its nodes through their phases
 * without running anything ({@link PodStatusPlan}). Every write goes through one gate of
 * {@code berth.node.simulate.concurrency} requests in flight.
 *
 * <p>Lifecycle, guarded by compare-and-set: {@code LATENT → STARTED → CLOSED}. {@link #start} returns at once;
 * {@link #registered()} completes when every node is registered and the pod informer has its first list (the agent's
 * readiness). {@link #close} stops every timer, thread and informer; it neither deletes the nodes nor closes the
 * client, which is the caller's. Thread safe.
 */
public final class SimulatedNodes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedNodes.class);
    /** Slots of the spread schedules are at least this far apart: 1,000 timers per 10 s interval at most. */
    private static final Duration RESOLUTION = Duration.ofMillis(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private enum State { LATENT, STARTED, CLOSED }

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final NodeProperties props;
    private final SimulatedNode[] nodes;
    private final AsyncApi api;
    private final SimulatorMetrics metrics;
    private final NodeRegistrar registrar;
    private final SpreadTicker leaseTicker;
    private final SpreadTicker statusTicker;
    private final PodSimulator pods;
    private final ScheduledThreadPoolExecutor scheduler;
    /** The Lease timers' own threads: no status report or pod transition can hold a renewal's turn back. */
    private final ScheduledThreadPoolExecutor leaseScheduler;
    private final AtomicInteger registeredCount = new AtomicInteger();
    private final CompletableFuture<Void> registered = new CompletableFuture<>();
    private final List<Thread> registrationThreads = new ArrayList<>();

    /**
     * @param client a client authenticated as the simulator ({@code system:berth-simulator}); not closed here
     */
    public SimulatedNodes(NodeProperties props, KubernetesClient client, MeterRegistry registry, Clock clock) {
        NodeProperties.Simulate sim = props.simulate();
        if (sim.count() < 1) {
            throw new IllegalArgumentException("berth.node.simulate.count must be at least 1 in simulated mode");
        }
        this.props = props;
        NodeTemplate template = new NodeTemplate(props, UUID.randomUUID().toString());
        this.nodes = new SimulatedNode[sim.count()];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = new SimulatedNode(i, template.name(i));
            index.put(nodes[i].name, i);
        }
        this.api = new AsyncApi(client, sim.concurrency());
        this.metrics = new SimulatorMetrics(registry, api::inFlight, api::pending, registeredCount::get);
        api.onGateWait(metrics::gateWait);
        LeaseRenewer leases = new LeaseRenewer(nodes, api, metrics, props.leaseDuration(), clock);
        NodeStatusReporter status = new NodeStatusReporter(nodes, template, api, metrics, clock);
        this.registrar = new NodeRegistrar(template, api, leases, status, clock);
        this.leaseTicker = new SpreadTicker("lease renewals",
                SpreadSchedule.of(nodes.length, props.leaseRenewInterval(), RESOLUTION), leases);
        this.statusTicker = new SpreadTicker("node status",
                SpreadSchedule.of(nodes.length, props.statusUpdateInterval(), RESOLUTION), status);
        this.scheduler = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "berth-sim-timer");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        this.leaseScheduler = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "berth-sim-lease-timer");
            t.setDaemon(true);
            return t;
        });
        leaseScheduler.setRemoveOnCancelPolicy(true);
        // pod writes get their own gate: 5,000 nodes' heartbeats (500 a second) would otherwise hold every permit
        // on a busy machine and starve the pods' transitions, which no real kubelet queues behind other nodes'
        this.pods = new PodSimulator(client, new AsyncApi(client, sim.concurrency()), index, template.address(),
                new PodStatusPlan.Settings(sim.startDelay(), sim.readyDelay(), sim.runFor(), sim.failureRate()),
                metrics, clock, scheduler);
    }

    /**
     * Starts registering the nodes, the renewal and status timers (a node's turns begin once it is registered) and
     * then the pod informer. Returns at once.
     *
     * @throws IllegalStateException if already started or closed
     */
    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("simulated nodes: start() in state " + state.get());
        }
        long now = System.nanoTime();
        leaseTicker.start(leaseScheduler, now);
        // registration writes each node's status: its first periodic one is due an interval later
        statusTicker.start(scheduler, now + props.statusUpdateInterval().toNanos());
        long started = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        // half the gate for registration, so the Leases of nodes already registered keep their turns
        int threads = Math.max(1, Math.min(nodes.length, props.simulate().concurrency() / 2));
        log.info("registering {} simulated nodes ({}0 .. {}) with {} threads", nodes.length,
                props.simulate().namePrefix(), nodes[nodes.length - 1].name, threads);
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                int i;
                while (state.get() == State.STARTED && (i = next.getAndIncrement()) < nodes.length) {
                    if (!registerWithRetry(nodes[i])) {
                        return;
                    }
                    if (registeredCount.incrementAndGet() == nodes.length) {
                        log.info("registered {} simulated nodes in {} ms", nodes.length,
                                (System.nanoTime() - started) / 1_000_000);
                        startPods();
                    }
                }
            }, "berth-sim-register-" + t);
            thread.setDaemon(true);
            registrationThreads.add(thread);
            thread.start();
        }
    }

    /** Registers one node, retrying with backoff until it succeeds (true) or this is closed (false). */
    private boolean registerWithRetry(SimulatedNode node) {
        Duration backoff = Duration.ofMillis(500);
        while (state.get() == State.STARTED) {
            try {
                registrar.register(node);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (RuntimeException | TimeoutException e) {
                log.warn("cannot register {} (retrying in {} ms): {}", node.name, backoff.toMillis(), e.toString());
            }
            try {
                Thread.sleep(backoff.toMillis());  // a retry backoff, not a wait for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        return false;
    }

    private void startPods() {
        if (state.get() != State.STARTED) {
            return;
        }
        pods.start().whenComplete((ok, error) -> {
            if (error != null) {
                registered.completeExceptionally(error);
            } else {
                log.info("pod informer synced; {} simulated nodes ready", nodes.length);
                registered.complete(null);
            }
        });
    }

    /**
     * Completes when every node is registered and the pod informer has listed; fails with a
     * {@link CancellationException} if closed first.
     */
    public CompletableFuture<Void> registered() {
        return registered.copy();
    }

    /** How many nodes this simulates. */
    public int count() {
        return nodes.length;
    }

    /** How many nodes are registered so far. */
    public int registeredCount() {
        return registeredCount.get();
    }

    /** Lease renewals acknowledged so far. */
    public long renewals() {
        return metrics.renewals();
    }

    /** Lease renewals that were late so far (acknowledged over 1 s after their turn, skipped or dropped). */
    public long lateRenewals() {
        return metrics.late();
    }

    /** Pods bound to the simulated nodes that the simulator is looking after. */
    public int pods() {
        return pods.pods();
    }

    @Override
    public void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        leaseTicker.close();
        statusTicker.close();
        registrationThreads.forEach(Thread::interrupt);
        pods.close();
        scheduler.shutdownNow();
        leaseScheduler.shutdownNow();
        registered.completeExceptionally(new CancellationException("simulated nodes closed"));
    }
}
