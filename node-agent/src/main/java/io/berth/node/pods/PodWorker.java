package io.berth.node.pods;

import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.ContainerState;
import io.berth.node.runtime.NetworkNotReady;
import io.berth.node.runtime.RuntimeFailure;
import io.berth.node.runtime.Sandbox;
import io.berth.node.runtime.SandboxConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One pod on this node, level-triggered: each {@link #sync} compares the pod's spec with what the runtime holds and
 * takes the next steps (sandbox, init containers in order, containers, restarts with back-off, probes), then reports
 * the status. Syncs of one pod never overlap (the caller serializes them); probes run elsewhere and hand their
 * results back through {@link #probeResult}.
 */
final class PodWorker {

    private static final Logger log = LoggerFactory.getLogger(PodWorker.class);

    private final PodContext ctx;
    private final String uid;
    private final Map<String, ContainerBook> books = new LinkedHashMap<>();
    private volatile Pod pod;
    private Sandbox sandbox;
    private String terminalPhase;
    /** When a terminal pod's running containers were sent TERM; KILL follows after the grace period. */
    private Instant stopRequested;
    private String terminalReason;
    private String terminalMessage;
    private boolean statusUnwritten;
    private Instant volumesRefreshed = Instant.MIN;
    /** Set while the pod waits for the node's pod network, so its Event and log line are written once. */
    private boolean waitingForNetwork;
    /** How soon a pod waiting for the node's pod network asks again (the CIDR comes within seconds of the Node). */
    static final Duration NETWORK_RETRY = Duration.ofSeconds(1);
    /** How often running pods' volumes are compared with their sources (the kubelet's sync period is 1 minute). */
    static final java.time.Duration VOLUME_REFRESH = java.time.Duration.ofSeconds(10);

    PodWorker(PodContext ctx, Pod pod, List<ContainerState> adopted) {
        this.ctx = ctx;
        this.pod = pod;
        this.uid = pod.getMetadata().getUid();
        for (Container c : initContainers(pod)) {
            books.put(c.getName(), new ContainerBook(c.getName(), true, ctx.backoffInitial(), ctx.backoffMax()));
        }
        for (Container c : pod.getSpec().getContainers()) {
            books.put(c.getName(), new ContainerBook(c.getName(), false, ctx.backoffInitial(), ctx.backoffMax()));
        }
        adopt(adopted);
    }

    String uid() {
        return uid;
    }

    Pod pod() {
        return pod;
    }

    void update(Pod latest) {
        this.pod = latest;
    }

    /** Rejects the pod before anything runs (node admission); the next sync reports it. */
    void reject(String reason, String message) {
        terminalPhase = "Failed";
        terminalReason = reason;
        terminalMessage = message;
    }

    boolean terminal() {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return terminalPhase != null || "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** The runs the runtime still holds for this pod (to find them again after a restart). */
    private void adopt(List<ContainerState> adopted) {
        List<ContainerState> mine = new ArrayList<>(adopted);
        mine.sort(Comparator.comparingInt(PodWorker::attemptOf));
        for (ContainerState s : mine) {
            ContainerBook book = books.get(s.labels().get(PodContext.CONTAINER_LABEL));
            if (book == null) {
                continue;
            }
            book.previous = book.current;
            book.current = s;
            book.attempt = attemptOf(s);
            book.exitCounted = false;
            if (s.running()) {
                startProbes(book, container(book.name), s.startedAt() == null ? ctx.now() : s.startedAt());
            }
        }
    }

    static int attemptOf(ContainerState s) {
        try {
            return Integer.parseInt(s.labels().getOrDefault(PodContext.RESTART_LABEL, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * One step toward the spec; returns when the pod wants its next sync (probes, back-off), or null for "on the next
     * event or poll".
     */
    Instant sync() {
        Pod p = pod;
        Instant now = ctx.now();
        refresh();
        if (terminalPhase == null) {
            deadline(p, now);
        }
        if (terminal()) {
            boolean stopping = stopRunning(p, now);
            report(p, now);
            // a container still stopping is looked at again each second, until it is gone and its status says so
            return stopping || statusUnwritten ? now.plusSeconds(1) : null;
        }
        try {
            sandbox = ctx.runtime().runSandbox(new SandboxConfig(uid, p.getMetadata().getNamespace(),
                    p.getMetadata().getName(), hostname(p), Boolean.TRUE.equals(p.getSpec().getHostNetwork()),
                    Boolean.TRUE.equals(p.getSpec().getShareProcessNamespace())));
        } catch (NetworkNotReady e) {
            // the kubelet's "network is not ready" (NetworkNotReady): the pod waits, it has not failed
            if (!waitingForNetwork) {
                waitingForNetwork = true;
                log.info("pod {}/{}: waits for the pod network: {}", p.getMetadata().getNamespace(),
                        p.getMetadata().getName(), e.getMessage());
                ctx.event(p, "Warning", "NetworkNotReady", "network is not ready: " + e.getMessage());
            }
            report(p, now);
            return now.plus(NETWORK_RETRY);
        } catch (RuntimeFailure e) {
            log.warn("pod {}/{}: sandbox failed: {}", p.getMetadata().getNamespace(), p.getMetadata().getName(),
                    e.getMessage());
            ctx.event(p, "Warning", "FailedCreatePodSandBox", "Failed to create pod sandbox: " + e.getMessage());
            report(p, now);
            return now.plusSeconds(5);
        }
        if (waitingForNetwork) {
            waitingForNetwork = false;
            log.info("pod {}/{}: the pod network is ready, its sandbox has address {}", p.getMetadata().getNamespace(),
                    p.getMetadata().getName(), sandbox.ip());
        }
        String policy = Objects.requireNonNullElse(p.getSpec().getRestartPolicy(), "Always");
        boolean initialized = true;
        for (Container c : initContainers(p)) {
            ContainerBook book = books.get(c.getName());
            if ("Always".equals(c.getRestartPolicy())) {
                ensure(p, c, book, "Always", now);
                if (!book.started()) {
                    initialized = false;
                    break;
                }
                continue;
            }
            if (book.succeeded()) {
                continue;
            }
            initialized = false;
            if (!book.running()) {
                // a failed init container is retried unless the pod never restarts
                ensure(p, c, book, "Never".equals(policy) ? "Never" : "OnFailure", now);
            }
            break;
        }
        if (initialized) {
            for (Container c : p.getSpec().getContainers()) {
                ensure(p, c, books.get(c.getName()), policy, now);
            }
        }
        refreshVolumes(p, now);
        runProbes(p, now);
        report(p, now);
        return nextWake(now);
    }

    /** Keeps configMap, secret, downwardAPI and token files current while containers run. */
    private void refreshVolumes(Pod p, Instant now) {
        if (books.values().stream().noneMatch(ContainerBook::running)
                || now.isBefore(volumesRefreshed.plus(VOLUME_REFRESH))) {
            return;
        }
        volumesRefreshed = now;
        try {
            ctx.launcher().refreshVolumes(p, sandbox);
        } catch (RuntimeException e) {
            log.info("pod {}/{}: refreshing volumes failed: {}", p.getMetadata().getNamespace(),
                    p.getMetadata().getName(), e.getMessage());
        }
    }

    private void ensure(Pod p, Container c, ContainerBook book, String policy, Instant now) {
        if (book.running()) {
            ProbeTracker liveness = book.probes.get(ProbeTracker.Kind.LIVENESS);
            ProbeTracker startup = book.probes.get(ProbeTracker.Kind.STARTUP);
            boolean unhealthy = liveness != null && !liveness.result() && book.started();
            boolean neverStarted = startup != null && !startup.result() && startup.failedOut();
            if (unhealthy || neverStarted) {
                killForProbe(p, c, book, unhealthy ? liveness : startup, now);
            }
            return;
        }
        if (book.current != null) {
            int code = book.current.exitCode() == null ? 137 : book.current.exitCode();
            boolean restart = "Always".equals(policy) || "OnFailure".equals(policy) && code != 0;
            if (!restart) {
                book.waiting = null;
                return;
            }
            if (!book.exitCounted) {
                Instant finished = book.current.finishedAt() == null ? now : book.current.finishedAt();
                Instant started = book.current.startedAt() == null ? finished : book.current.startedAt();
                book.backoff.stopped(finished, Duration.between(started, finished));
                book.exitCounted = true;
            }
        }
        if (now.isBefore(book.backoff.until())) {
            if (book.current != null) {
                book.waiting = "CrashLoopBackOff";
                book.message = "back-off " + seconds(book.backoff.current()) + " restarting failed container="
                        + c.getName() + " pod=" + p.getMetadata().getName() + "_" + p.getMetadata().getNamespace()
                        + "(" + uid + ")";
            }
            return;
        }
        start(p, c, book, now);
    }

    private void start(Pod p, Container c, ContainerBook book, Instant now) {
        int attempt = book.attempt + 1;
        try {
            ContainerLauncher.Started started = ctx.launcher().launch(p, c, sandbox, attempt, book.init);
            if (book.previous != null) {
                ctx.runtime().removeContainer(book.previous.id(), true);
                ctx.launcher().release(book.previous.id());
            }
            book.previous = book.current;
            book.current = started.state();
            book.attempt = attempt;
            book.imageId = started.imageId();
            book.waiting = null;
            book.message = null;
            book.exitCounted = false;
            book.killRequested = null;
            startProbes(book, c, now);
            ctx.event(p, "Normal", "Started", "Started container " + c.getName());
            ctx.hooks().postStart(p, c, book.current.id(), sandbox);
        } catch (ContainerLauncher.LaunchFailure e) {
            book.waiting = e.reason();
            book.message = e.getMessage();
            book.backoff.stopped(now, Duration.ZERO);
            ctx.event(p, "Warning", "Failed", "Error: " + e.reason() + ": " + e.getMessage());
        } catch (RuntimeFailure e) {
            book.waiting = "RunContainerError";
            book.message = e.getMessage();
            book.backoff.stopped(now, Duration.ZERO);
            ctx.event(p, "Warning", "Failed", "Error: " + e.getMessage());
        }
    }

    private void killForProbe(Pod p, Container c, ContainerBook book, ProbeTracker failed, Instant now) {
        if (book.killRequested == null) {
            book.killRequested = now;
            String what = failed.kind() == ProbeTracker.Kind.LIVENESS ? "liveness" : "startup";
            ctx.event(p, "Normal", "Killing", "Container " + c.getName() + " failed " + what
                    + " probe, will be restarted");
            ctx.hooks().preStopAsync(p, c, book.current.id(), sandbox, () ->
                    ctx.runtime().signal(book.current.id(), "TERM"));
        } else if (now.isAfter(book.killRequested.plusSeconds(grace(p, failed.probe())))) {
            ctx.runtime().signal(book.current.id(), "KILL");
        }
    }

    /** Re-reads the runs that were running; an exit ends its probes. */
    private void refresh() {
        for (ContainerBook book : books.values()) {
            if (book.current != null && book.current.running()) {
                ContainerState now = ctx.runtime().inspect(book.current.id()).orElse(null);
                if (now == null) {
                    book.current = new ContainerState(book.current.id(), "stopped", 0, null,
                            book.current.startedAt(), ctx.now(), book.current.labels());
                } else {
                    book.current = now;
                }
                if (!book.current.running()) {
                    book.probes.clear();
                }
            }
        }
    }

    private void deadline(Pod p, Instant now) {
        Long deadline = p.getSpec().getActiveDeadlineSeconds();
        String start = p.getStatus() == null ? null : p.getStatus().getStartTime();
        if (deadline != null && start != null && now.isAfter(Instant.parse(start).plusSeconds(deadline))) {
            terminalPhase = "Failed";
            terminalReason = "DeadlineExceeded";
            terminalMessage = "Pod was active on the node longer than the specified deadline";
        }
    }

    /**
     * Stops the running containers of a terminal pod (activeDeadlineSeconds) as the kubelet kills a pod: preStop,
     * then TERM, and KILL once the pod's termination grace period has passed (a process that ignores TERM, such as a
     * PID 1 without a handler, would otherwise run on). Returns whether any container still runs.
     */
    private boolean stopRunning(Pod p, Instant now) {
        boolean running = books.values().stream().anyMatch(ContainerBook::running);
        if (!running) {
            return false;
        }
        if (stopRequested == null) {
            stopRequested = now;
            for (ContainerBook book : books.values()) {
                if (book.running()) {
                    String id = book.current.id();
                    ctx.event(p, "Normal", "Killing", "Stopping container " + book.name);
                    if (sandbox == null) {
                        // adopted after a restart and not synced into a sandbox yet: no pod IP for an httpGet hook
                        ctx.runtime().signal(id, "TERM");
                    } else {
                        ctx.hooks().preStopAsync(p, container(book.name), id, sandbox,
                                () -> ctx.runtime().signal(id, "TERM"));
                    }
                }
            }
        } else if (!now.isBefore(stopRequested.plusSeconds(grace(p)))) {
            for (ContainerBook book : books.values()) {
                if (book.running()) {
                    ctx.runtime().signal(book.current.id(), "KILL");
                }
            }
        }
        return true;
    }

    private void startProbes(ContainerBook book, Container c, Instant started) {
        book.probes.clear();
        put(book, ProbeTracker.Kind.STARTUP, c.getStartupProbe(), started);
        put(book, ProbeTracker.Kind.LIVENESS, c.getLivenessProbe(), started);
        put(book, ProbeTracker.Kind.READINESS, c.getReadinessProbe(), started);
    }

    private static void put(ContainerBook book, ProbeTracker.Kind kind, Probe probe, Instant started) {
        if (probe != null) {
            book.probes.put(kind, new ProbeTracker(kind, probe, started));
        }
    }

    private void runProbes(Pod p, Instant now) {
        for (ContainerBook book : books.values()) {
            if (!book.running()) {
                continue;
            }
            boolean started = book.started();
            for (ProbeTracker t : book.probes.values()) {
                // liveness and readiness wait for the startup probe, as in Kubernetes
                if (t.kind() != ProbeTracker.Kind.STARTUP && !started) {
                    continue;
                }
                if (t.kind() == ProbeTracker.Kind.STARTUP && t.result()) {
                    continue;
                }
                if (t.due(now)) {
                    t.started(now);
                    String id = book.current.id();
                    Container c = container(book.name);
                    String ip = sandbox == null ? null : sandbox.ip();
                    ctx.probes().submit(uid, () -> ctx.prober().probe(t.probe(), c, id, ip),
                            r -> probeResult(book.name, id, t, r));
                }
            }
        }
    }

    /** A probe finished (on a probe thread): recorded by the next sync, which this asks for. */
    void probeResult(String container, String containerId, ProbeTracker tracker, Prober.Result result) {
        ctx.serialized(uid, () -> {
            ContainerBook book = books.get(container);
            if (book == null || book.current == null || !book.current.id().equals(containerId)
                    || book.probes.get(tracker.kind()) != tracker) {
                return;
            }
            boolean changed = tracker.record(result.success(), result.output());
            if (changed && !result.success()) {
                String kind = tracker.kind().name().charAt(0) + tracker.kind().name().substring(1).toLowerCase();
                ctx.event(pod, "Warning", "Unhealthy", kind + " probe failed: " + result.output());
            }
        });
    }

    private void report(Pod p, Instant now) {
        Map<String, ContainerView> init = new LinkedHashMap<>();
        Map<String, ContainerView> containers = new LinkedHashMap<>();
        for (Container c : initContainers(p)) {
            init.put(c.getName(), books.get(c.getName()).view(c.getImage()));
        }
        for (Container c : p.getSpec().getContainers()) {
            containers.put(c.getName(), books.get(c.getName()).view(c.getImage()));
        }
        PodStatus status = PodStatusMaker.make(p, new PodStatusMaker.Observed(sandbox == null ? null : sandbox.ip(),
                ctx.nodeAddress(), sandbox != null, init, containers, terminalPhase, terminalReason, terminalMessage),
                now);
        statusUnwritten = !ctx.statusWriter().write(p, status);
    }

    private Instant nextWake(Instant now) {
        Instant next = statusUnwritten ? now.plusSeconds(1) : null;
        if (books.values().stream().anyMatch(ContainerBook::running)) {
            next = min(next, volumesRefreshed.plus(VOLUME_REFRESH));
        }
        for (ContainerBook book : books.values()) {
            if (!book.running() && book.backoff.until().isAfter(now)) {
                next = min(next, book.backoff.until());
            }
            for (ProbeTracker t : book.probes.values()) {
                next = min(next, t.nextDue());
            }
            if (book.killRequested != null) {
                next = min(next, now.plusSeconds(1));
            }
        }
        return next;
    }

    /** What the runtime holds for this pod, for teardown. */
    List<ContainerBook> books() {
        return List.copyOf(books.values());
    }

    Sandbox sandbox() {
        return sandbox;
    }

    private Container container(String name) {
        for (Container c : initContainers(pod)) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    static List<Container> initContainers(Pod p) {
        return p.getSpec().getInitContainers() == null ? List.of() : p.getSpec().getInitContainers();
    }

    private static String hostname(Pod p) {
        if (Boolean.TRUE.equals(p.getSpec().getHostNetwork())) {
            return p.getSpec().getNodeName(); // host-network pods see the node's name, as in Kubernetes
        }
        String h = p.getSpec().getHostname();
        return h == null || h.isEmpty() ? p.getMetadata().getName() : h;
    }

    private static long grace(Pod p, Probe probe) {
        if (probe.getTerminationGracePeriodSeconds() != null) {
            return probe.getTerminationGracePeriodSeconds();
        }
        return grace(p);
    }

    /** The pod's {@code terminationGracePeriodSeconds}, Kubernetes' 30 when unset. */
    private static long grace(Pod p) {
        Long g = p.getSpec().getTerminationGracePeriodSeconds();
        return g == null ? 30 : g;
    }

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        return s >= 60 ? (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s") : s + "s";
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    /** For {@link Consumer}-style callers that only need the uid. */
    @Override
    public String toString() {
        return "PodWorker[" + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "]";
    }
}
