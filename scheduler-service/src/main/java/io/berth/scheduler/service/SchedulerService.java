package io.berth.scheduler.service;

import io.berth.apimachinery.client.ApiCalls;
import io.berth.apimachinery.client.LeaseUpdateLock;
import io.berth.scheduler.api.Binder;
import io.berth.scheduler.api.Recorder;
import io.berth.scheduler.cache.SchedulerCache;
import io.berth.scheduler.config.SchedulerProperties;
import io.berth.scheduler.core.Algorithm;
import io.berth.scheduler.core.Scheduler;
import io.berth.scheduler.core.SchedulerMetrics;
import io.berth.scheduler.framework.Framework;
import io.berth.scheduler.queue.SchedulingQueue;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler replica: informers on pods, nodes and namespaces feed the cache and the queue all the time (a standby is warm),
 * and the replica that holds the Lease {@code kube-system/kube-scheduler} runs a {@link Scheduler}. Losing the Lease
 * (not renewed within {@code renewDeadline}, shorter than {@code leaseDuration}) closes that scheduler at once, before
 * another replica can acquire it; the replica then stands for election again.
 */
public final class SchedulerService implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SchedulerService.class);
    private static final Duration ASSUMED_TTL = Duration.ofMinutes(15);

    private final KubernetesClient client;
    private final SchedulerProperties props;
    private final Framework framework;
    private final Clock clock;
    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final Binder binder;
    private final Recorder recorder;
    private final SchedulerMetrics metrics;
    private final Algorithm algorithm;
    private final String identity;
    private final ExecutorService elections = Executors.newSingleThreadExecutor(r -> daemon(r, "leader-election"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
            "scheduler-timer"));
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Node> nodes;
    private SharedIndexInformer<Namespace> namespaceInformer;
    private final NamespaceCache namespaces;
    private CompletableFuture<?> election;
    private Scheduler current;
    private volatile boolean running;

    public SchedulerService(KubernetesClient client, ApiCalls api, SchedulerProperties props, Framework framework,
                            MeterRegistry registry, Clock clock, String identity, NamespaceCache namespaces) {
        this.namespaces = namespaces;
        this.client = client;
        this.props = props;
        this.framework = framework;
        this.clock = clock;
        this.identity = identity;
        this.cache = new SchedulerCache(clock, ASSUMED_TTL);
        this.queue = new SchedulingQueue(clock, props.podInitialBackoff(), props.podMaxBackoff(),
                props.maxUnschedulable(), framework.events());
        this.binder = new Binder(api, client.getKubernetesSerialization());
        this.recorder = new Recorder(api, client.getKubernetesSerialization(), clock, identity);
        this.metrics = new SchedulerMetrics(registry, queue, binder);
        this.algorithm = new Algorithm(framework, props.percentageOfNodesToScore(), new SplittableRandom(),
                queue.nominator());
    }

    @Override
    public synchronized void start() {
        running = true;
        Informers handlers = new Informers(cache, queue, props.schedulerName());
        nodes = client.nodes().inform(handlers.nodes(), 0);
        namespaceInformer = client.namespaces().inform(namespaces, 0);
        pods = client.pods().inAnyNamespace().inform(handlers.pods(), 0);
        timer.scheduleWithFixedDelay(cache::expireAssumed, 30, 30, TimeUnit.SECONDS);
        if (props.leaderElection().enabled()) {
            stand();
        } else {
            lead();
        }
    }

    /** Whether the informers have listed (the readiness of leader and standby alike). */
    public boolean hasSynced() {
        return pods != null && nodes != null && namespaceInformer != null && pods.hasSynced() && nodes.hasSynced()
                && namespaceInformer.hasSynced();
    }

    /** Whether this replica currently schedules. */
    public synchronized boolean isLeading() {
        return current != null;
    }

    public SchedulingQueue queue() {
        return queue;
    }

    public long bindingRequests() {
        return binder.sent();
    }

    private synchronized void stand() {
        if (!running) {
            return;
        }
        SchedulerProperties.LeaderElection le = props.leaderElection();
        LeaderElector elector = new LeaderElectorBuilder(client, elections).withConfig(new LeaderElectionConfigBuilder()
                .withName(le.name())
                .withLock(new LeaseUpdateLock(le.namespace(), le.name(), identity))
                .withLeaseDuration(le.leaseDuration())
                .withRenewDeadline(le.renewDeadline())
                .withRetryPeriod(le.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::lead, this::follow,
                        leader -> log.info("the scheduler leader is {}", leader)))
                .build()).build();
        election = elector.start();
        election.whenComplete((ok, e) -> {
            // the term ended (lost or released): stand again unless stopping
            if (running) {
                timer.schedule(this::stand, le.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private synchronized void lead() {
        if (!running || current != null) {
            return;
        }
        log.info("{} leads: scheduling", identity);
        current = new Scheduler(queue, cache, framework, algorithm, binder, recorder, metrics, clock,
                this::stillPending);
        current.start();
    }

    private synchronized void follow() {
        if (current != null) {
            log.info("{} lost the lease: scheduling stopped", identity);
            current.close();
            current = null;
        }
    }

    private boolean stillPending(Pod pod) {
        SharedIndexInformer<Pod> informer = pods;
        Pod now = informer == null ? null
                : informer.getStore().getByKey(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
        return now != null && now.getMetadata().getUid().equals(pod.getMetadata().getUid())
                && (now.getSpec().getNodeName() == null || now.getSpec().getNodeName().isEmpty())
                && now.getMetadata().getDeletionTimestamp() == null;
    }

    @Override
    public synchronized void stop() {
        running = false;
        follow();
        if (election != null) {
            election.cancel(true);
        }
        queue.close();
        if (pods != null) {
            pods.close();
        }
        if (nodes != null) {
            nodes.close();
        }
        if (namespaceInformer != null) {
            namespaceInformer.close();
        }
        timer.shutdownNow();
        elections.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
