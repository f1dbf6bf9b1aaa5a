package io.berth.node.pods;

import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.ContainerState;
import io.berth.node.runtime.Sandbox;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The pods bound to this node: one informer ({@code spec.nodeName=<node>}, the only pod list the node authorizer
 * allows), one {@link PodWorker} per pod whose syncs never overlap (a lane per pod on a small shared pool), and the
 * endings: a pod marked for deletion is terminated on its own thread and then deleted for good; a pod that vanished
 * from the API has its containers stopped and removed. At start, containers the runtime still runs are adopted, and
 * those of pods that are gone are removed.
 *
 * <p>Lifecycle {@code LATENT → STARTED → CLOSED}; thread safe. Closing stops the agent's threads, never the containers.
 */
public final class PodWorkers implements PodLocator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PodWorkers.class);
    private static final Duration RESYNC = Duration.ofSeconds(1);
    /** How often sandboxes that no pod owns any more (a teardown that failed) are looked for and removed. */
    private static final Duration SWEEP = Duration.ofMinutes(1);
    /** How often running containers' logs are checked for rotation (the kubelet's ContainerLogMonitorInterval). */
    private static final Duration LOG_CHECK = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final String nodeName;
    private final ContainerRuntime runtime;
    private final ContainerLauncher launcher;
    private final LogPaths logs;
    private final LogRotation rotation;
    private final Supplier<Map<String, Quantity>> allocatable;
    private final Clock clock;
    private final PodApi api;
    private final PodContext ctx;
    private final PodTerminator terminator;
    private final ExecutorService lanes;
    private final ExecutorService probeThreads;
    private final ExecutorService terminations;
    private final ScheduledExecutorService timer;
    private final Map<String, Lane> pods = new ConcurrentHashMap<>();
    private final AtomicInteger threads = new AtomicInteger();
    private volatile SharedIndexInformer<Pod> informer;
    private volatile Map<String, List<ContainerState>> adoptable = Map.of();
    private volatile boolean orphansRemoved;

    public PodWorkers(KubernetesClient client, String nodeName, String nodeAddress, ContainerRuntime runtime,
                      ContainerLauncher launcher, LogPaths logs, LogRotation rotation,
                      Supplier<Map<String, Quantity>> allocatable, int workers, Duration backoffInitial,
                      Duration backoffMax, Clock clock) {
        this.logs = logs;
        this.rotation = rotation;
        this.client = client;
        this.nodeName = nodeName;
        this.runtime = runtime;
        this.launcher = launcher;
        this.allocatable = allocatable;
        this.clock = clock;
        this.api = new PodApi(client, nodeName, clock);
        this.lanes = Executors.newFixedThreadPool(workers, named("pod-worker"));
        this.probeThreads = Executors.newFixedThreadPool(4, named("pod-probe"));
        this.terminations = Executors.newCachedThreadPool(named("pod-terminate"));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("pod-timer"));
        Prober prober = new Prober(runtime);
        Hooks hooks = new Hooks(runtime, prober, terminations, api);
        this.terminator = new PodTerminator(runtime, hooks, terminations, clock);
        this.ctx = new PodContext(runtime, launcher, hooks, prober,
                (uid, probe, done) -> probeThreads.execute(() -> {
                    Prober.Result r;
                    try {
                        r = probe.call();
                    } catch (Exception e) {
                        r = new Prober.Result(false, e.toString());
                    }
                    done.accept(r);
                }),
                api, api, this::serialized, nodeAddress, backoffInitial, backoffMax, clock);
    }

    /** Adopts what the runtime holds, then watches this node's pods. */
    public void start() {
        adoptable = runtime.listContainers().stream()
                .filter(c -> c.labels().containsKey(PodContext.POD_UID_LABEL))
                .collect(Collectors.groupingBy(c -> c.labels().get(PodContext.POD_UID_LABEL)));
        informer = client.pods().inAnyNamespace().withField("spec.nodeName", nodeName)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        changed(pod);
                    }

                    @Override
                    public void onUpdate(Pod old, Pod pod) {
                        changed(pod);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean unknownFinalState) {
                        gone(pod);
                    }
                }, 0);
        timer.scheduleWithFixedDelay(this::resync, RESYNC.toMillis(), RESYNC.toMillis(), TimeUnit.MILLISECONDS);
        terminations.execute(this::removeOrphansWhenSynced);
        timer.scheduleWithFixedDelay(() -> terminations.execute(this::sweepSandboxes), SWEEP.toMillis(),
                SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> terminations.execute(this::rotateLogs), LOG_CHECK.toMillis(),
                LOG_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void rotateLogs() {
        for (Lane lane : pods.values()) {
            if (lane.terminating) {
                continue;
            }
            Pod pod = lane.worker.pod();
            for (ContainerBook b : lane.worker.books()) {
                ContainerState run = b.current;
                if (run != null && b.running() && b.attempt >= 0) {
                    rotation.rotateIfDue(run.id(), logs.log(pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(), lane.worker.uid(), b.name, b.attempt));
                }
            }
        }
    }

    /**
     * Removes the sandboxes of pods the agent no longer works on: a pod's lane exists before its sandbox is made and
     * goes only after its sandbox was removed, so a sandbox without a lane is one whose teardown failed.
     */
    private void sweepSandboxes() {
        if (!orphansRemoved) {
            return;
        }
        for (Sandbox s : runtime.listSandboxes()) {
            if (!pods.containsKey(s.podUid())) {
                log.info("removing the sandbox of pod {}, which is no longer on this node", s.podUid());
                try {
                    runtime.removeSandbox(s.podUid());
                } catch (RuntimeException e) {
                    log.warn("removing the sandbox of pod {} failed: {}", s.podUid(), e.getMessage());
                }
            }
        }
    }

    /** True once the pod informer listed. */
    public boolean hasSynced() {
        return informer != null && informer.hasSynced();
    }

    /** The pods the agent currently works on, by uid (for the logs/exec endpoint and tests). */
    public Optional<Pod> pod(String namespace, String name) {
        return pods.values().stream().map(l -> l.worker.pod())
                .filter(p -> p.getMetadata().getNamespace().equals(namespace) && p.getMetadata().getName().equals(name))
                .findFirst();
    }

    /** The uids of every pod the agent works on (terminating ones too); null until the first list was reconciled. */
    public Set<String> knownPodUids() {
        return orphansRemoved ? Set.copyOf(pods.keySet()) : null;
    }

    /** Warning Events about this node. */
    public UnmanagedWorkloads.NodeEvents nodeEvents() {
        return api::recordNode;
    }

    @Override
    public Optional<Located> find(String namespace, String name, String container) {
        for (Lane lane : pods.values()) {
            Pod pod = lane.worker.pod();
            if (!pod.getMetadata().getNamespace().equals(namespace) || !pod.getMetadata().getName().equals(name)) {
                continue;
            }
            String wanted = container;
            if (wanted == null || wanted.isEmpty()) {
                var annotations = pod.getMetadata().getAnnotations();
                wanted = annotations == null ? null : annotations.get("kubectl.kubernetes.io/default-container");
                if (wanted == null && pod.getSpec().getContainers().size() == 1) {
                    wanted = pod.getSpec().getContainers().get(0).getName();
                }
            }
            for (ContainerBook b : lane.worker.books()) {
                if (b.name.equals(wanted)) {
                    String uid = lane.worker.uid();
                    return Optional.of(new Located(uid, b.name, b.current == null ? null : b.current.id(),
                            b.running(), b.attempt < 0 ? null : logs.log(namespace, name, uid, b.name, b.attempt),
                            b.attempt < 1 ? null : logs.log(namespace, name, uid, b.name, b.attempt - 1)));
                }
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    private void changed(Pod pod) {
        String uid = pod.getMetadata().getUid();
        Lane lane = pods.computeIfAbsent(uid, u -> newLane(pod));
        lane.worker.update(pod);
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            terminate(lane, pod, true);
        } else {
            kick(lane);
        }
    }

    private Lane newLane(Pod pod) {
        PodWorker worker = new PodWorker(ctx, pod, adoptable.getOrDefault(pod.getMetadata().getUid(), List.of()));
        Lane lane = new Lane(worker);
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        boolean known = adoptable.containsKey(pod.getMetadata().getUid()) || "Running".equals(phase);
        if (!known && !worker.terminal() && pod.getMetadata().getDeletionTimestamp() == null) {
            List<Pod> admitted = pods.values().stream().map(l -> l.worker).filter(w -> !w.terminal())
                    .map(PodWorker::pod).toList();
            NodeAdmission.admit(pod, admitted, allocatable.get()).ifPresent(r -> {
                log.info("pod {}/{} rejected: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                        r.message());
                worker.reject(r.reason(), r.message());
            });
        }
        return lane;
    }

    private void gone(Pod pod) {
        Lane lane = pods.get(pod.getMetadata().getUid());
        if (lane != null) {
            terminate(lane, pod, false);
        }
    }

    /** Ends the pod on its own thread; with {@code delete}, deletes it for good afterwards. */
    private void terminate(Lane lane, Pod pod, boolean delete) {
        synchronized (lane) {
            if (lane.terminating) {
                return;
            }
            lane.terminating = true;
        }
        terminations.execute(() -> {
            // let a sync in flight finish, so the books are not read while it changes them
            lane.await();
            PodWorker w = lane.worker;
            Duration grace = delete ? Hooks.grace(pod) : Duration.ofSeconds(2);
            try {
                terminator.terminate(pod, w.books(), w.sandbox(), grace, delete);
                for (ContainerBook b : w.books()) {
                    for (ContainerState run : new ContainerState[] {b.previous, b.current}) {
                        if (run != null) {
                            launcher.release(run.id());
                        }
                    }
                }
                runtime.removeSandbox(w.uid());
                launcher.releasePod(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), w.uid());
            } catch (RuntimeException e) {
                log.warn("tearing down pod {}/{} failed: {}", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(), e.getMessage());
            }
            if (delete) {
                api.finishDeletion(pod);
            }
            pods.remove(w.uid(), lane);
            api.forget(w.uid());
        });
    }

    private void removeOrphansWhenSynced() {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!hasSynced() && System.nanoTime() < until) {
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Set<String> known = informer.getStore().list().stream().map(p -> p.getMetadata().getUid())
                .collect(Collectors.toSet());
        for (var e : adoptable.entrySet()) {
            if (!known.contains(e.getKey())) {
                log.info("removing the containers of pod {}, which is no longer bound to this node", e.getKey());
                for (ContainerState c : e.getValue()) {
                    runtime.removeContainer(c.id(), true);
                    launcher.release(c.id());
                }
            }
        }
        for (Sandbox s : runtime.listSandboxes()) {
            if (!known.contains(s.podUid())) {
                runtime.removeSandbox(s.podUid());
            }
        }
        adoptable = Map.of();
        orphansRemoved = true;
        // directories (volumes, logs) of pods that went away while the agent was down
        try (var dirs = java.nio.file.Files.list(logs.podsDir())) {
            for (java.nio.file.Path dir : dirs.toList()) {
                String[] parts = dir.getFileName().toString().split("_", 3);
                if (parts.length == 3 && !known.contains(parts[2])) {
                    launcher.releasePod(parts[0], parts[1], parts[2]);
                }
            }
        } catch (java.io.IOException e) {
            log.debug("no pod directories to clean: {}", e.toString());
        }
    }

    private void resync() {
        Instant now = clock.instant();
        for (Lane lane : pods.values()) {
            Instant wake = lane.wake;
            if (!lane.terminating && (lane.hasRunning || wake != null && !now.isBefore(wake))) {
                kick(lane);
            }
        }
    }

    private void serialized(String uid, Runnable action) {
        Lane lane = pods.get(uid);
        if (lane == null) {
            return;
        }
        synchronized (lane) {
            lane.actions.add(action);
        }
        kick(lane);
    }

    private void kick(Lane lane) {
        synchronized (lane) {
            if (lane.terminating) {
                return;
            }
            lane.dirty = true;
            if (lane.running) {
                return;
            }
            lane.running = true;
        }
        lanes.execute(() -> run(lane));
    }

    private void run(Lane lane) {
        while (true) {
            List<Runnable> actions;
            synchronized (lane) {
                if (!lane.dirty || lane.terminating) {
                    lane.running = false;
                    lane.notifyAll();
                    return;
                }
                lane.dirty = false;
                actions = new ArrayList<>(lane.actions);
                lane.actions.clear();
            }
            try {
                actions.forEach(Runnable::run);
                Instant wake = lane.worker.sync();
                lane.wake = wake;
                lane.hasRunning = lane.worker.books().stream().anyMatch(ContainerBook::running);
                if (wake != null) {
                    long delay = Math.max(0, Duration.between(clock.instant(), wake).toMillis());
                    timer.schedule(() -> kick(lane), delay, TimeUnit.MILLISECONDS);
                }
            } catch (RuntimeException e) {
                log.warn("sync of {} failed", lane.worker, e);
            }
        }
    }

    private ThreadFactoryCounter named(String prefix) {
        return new ThreadFactoryCounter(prefix, threads);
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        timer.shutdownNow();
        lanes.shutdownNow();
        probeThreads.shutdownNow();
        terminations.shutdownNow();
        api.close();
    }

    /** One pod's serialized lane. Guarded by its own monitor. */
    private static final class Lane {
        final PodWorker worker;
        final Deque<Runnable> actions = new ArrayDeque<>();
        boolean running;
        boolean dirty;
        boolean terminating;
        volatile Instant wake;
        volatile boolean hasRunning;

        Lane(PodWorker worker) {
            this.worker = worker;
        }

        /** Waits until no sync runs on this lane (the lane takes no new ones once terminating). */
        synchronized void await() {
            while (running) {
                try {
                    wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private record ThreadFactoryCounter(String prefix, AtomicInteger counter)
            implements java.util.concurrent.ThreadFactory {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
