package io.berth.controller.service;

import io.berth.apimachinery.client.ApiCalls;
import io.berth.apimachinery.client.LeaseUpdateLock;
import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.Controller;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ControllerDefinition;
import io.berth.controller.runtime.EventRecorder;
import io.berth.controller.runtime.Informers;
import io.berth.controller.runtime.RateLimiter;
import io.berth.controller.runtime.WorkQueue;
import io.berth.controller.runtime.WorkQueueMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The controller manager replica: it stands for election on the Lease {@code kube-system/kube-controller-manager};
 * while it leads, a {@link Term} runs every enabled controller (fresh informers, queues and expectations). Losing the
 * Lease (not renewed within {@code renewDeadline}, shorter than {@code leaseDuration}) closes the term at once, before
 * another replica can acquire it; the replica then stands again. Lifecycle by Spring ({@link SmartLifecycle}).
 */
public final class ControllerManager implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ControllerManager.class);
    /** Who the events say they come from, as Kubernetes' controllers. */
    static final String COMPONENT = "controllermanager";

    private final KubernetesClient client;
    private final ApiCalls api;
    private final ControllerProperties.LeaderElection election;
    private final List<ControllerDefinition> definitions;
    private final MeterRegistry registry;
    private final Clock clock;
    private final String identity;
    private final ExecutorService elections = Executors.newSingleThreadExecutor(r -> daemon(r, "leader-election"));
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, r -> daemon(r,
            "controller-timer"));
    private CompletableFuture<?> term;
    private Term current;
    private volatile boolean running;

    public ControllerManager(KubernetesClient client, ApiCalls api, ControllerProperties.LeaderElection election,
                             List<ControllerDefinition> definitions, MeterRegistry registry, Clock clock,
                             String identity) {
        this.client = client;
        this.api = api;
        this.election = election;
        this.definitions = definitions;
        this.registry = registry;
        this.clock = clock;
        this.identity = identity;
    }

    @Override
    public synchronized void start() {
        running = true;
        if (election.enabled()) {
            stand();
        } else {
            lead();
        }
    }

    public synchronized boolean isLeading() {
        return current != null;
    }

    public synchronized boolean hasSynced() {
        return current != null && current.informers.hasSynced();
    }

    private synchronized void stand() {
        if (!running) {
            return;
        }
        LeaderElector elector = new LeaderElectorBuilder(client, elections).withConfig(new LeaderElectionConfigBuilder()
                .withName(election.name())
                .withLock(new LeaseUpdateLock(election.namespace(), election.name(), identity))
                .withLeaseDuration(election.leaseDuration())
                .withRenewDeadline(election.renewDeadline())
                .withRetryPeriod(election.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::lead, this::follow,
                        leader -> log.info("the controller manager leader is {}", leader)))
                .build()).build();
        term = elector.start();
        term.whenComplete((ok, e) -> {
            // the term ended (lost or released): stand again unless stopping
            if (running) {
                timer.schedule(this::stand, election.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private synchronized void lead() {
        if (!running || current != null) {
            return;
        }
        log.info("{} leads: starting {} controllers", identity, definitions.size());
        current = new Term();
    }

    private synchronized void follow() {
        if (current != null) {
            log.info(running ? "{} lost the lease: controllers stopped" : "{} stopping: controllers stopped", identity);
            current.close();
            current = null;
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        follow();
        if (term != null) {
            term.cancel(true);
        }
        timer.shutdownNow();
        elections.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** One leadership term: informers, then (once synced) every controller's workers. */
    private final class Term implements AutoCloseable {

        final Informers informers = new Informers(client);
        final List<Controller> controllers = new ArrayList<>();
        private final Thread starter;

        Term() {
            EventRecorder events = new EventRecorder(api, client.getKubernetesSerialization(), clock, COMPONENT,
                    identity);
            ControllerContext context = new ControllerContext(informers, client, api, events, clock);
            for (ControllerDefinition d : definitions) {
                WorkQueueMetrics metrics = new WorkQueueMetrics(registry, d.name());
                WorkQueue queue = new WorkQueue(RateLimiter.controllerDefault(), timer, metrics, System::nanoTime);
                controllers.add(new Controller(d.name(), d.setUp(context, queue), queue, metrics,
                        Math.max(1, d.workers())));
            }
            informers.start();
            starter = daemon(this::startWhenSynced, "controllers-start");
            starter.start();
        }

        private void startWhenSynced() {
            try {
                while (!informers.hasSynced()) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                log.info("caches synced: {} controllers start", controllers.size());
                controllers.forEach(Controller::start);
            }
        }

        @Override
        public synchronized void close() {
            starter.interrupt();
            controllers.forEach(Controller::close);
            informers.close();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
