package io.berth.node.runtime;

import io.berth.apimachinery.json.Json;
import io.berth.node.config.NodeProperties;
import io.berth.node.network.PodNetwork;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The {@link ContainerRuntime} of a real node: pod sandboxes from pinned namespaces ({@link PodNamespaces}), the
 * pod network ({@link PodNetwork}) and pod cgroups ({@link PodCgroups}); containers as OCI bundles
 * ({@link OciSpec}) created under conmon ({@link Conmon}) and started with {@code runc start}.
 *
 * <p>State lives on disk only, under {@code <stateDir>/runtime/} (sandbox records, bundles, conmon's exit files)
 * and runc's root, so a new instance over the same directories (an agent restart) sees every sandbox and container
 * the previous one made. Everything is keyed by the configured runc root, state directory, cgroup parent, node name
 * and bridge, so several agents on one machine never meet.
 *
 * <p>Thread safe: calls for one pod (sandbox) or one container are serialized by striped locks; calls for different
 * ones run at once. Pod locks are taken before container locks, never the other way round.
 */
public final class RuncRuntime implements ContainerRuntime {

    /** runc's own rule for container ids (and ours for file names). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(10);

    private final Runc runc;
    private final Conmon conmon;
    private final PodNetwork network;
    private final PodCgroups cgroups;
    private final PodNamespaces namespaces = new PodNamespaces();
    private final SandboxStore sandboxes;
    private final ContainerStates states;
    private final Path containersDir;
    private final String nodeAddress;
    private final List<String> privilegedCapabilities = OciSpec.boundingCapabilities();
    private final StripedLocks podLocks = new StripedLocks();
    private final StripedLocks containerLocks = new StripedLocks();
    /** Running containers as last read, so a poll of a container that still runs spawns no runc. */
    private final java.util.Map<String, ContainerState> running = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param runtime     runc and conmon binaries, runc's root, the cgroup parent, the log size limit
     * @param network     the node's pod network
     * @param stateDir    the agent's state directory; the runtime keeps its files in {@code <stateDir>/runtime}
     * @param nodeName    the node's name (its pods' cgroups live in {@code <cgroupParent>/<nodeName>})
     * @param nodeAddress the node's IP, the pod IP of host-network pods
     */
    public RuncRuntime(NodeProperties.Runtime runtime, PodNetwork network, Path stateDir, String nodeName,
                       String nodeAddress) {
        Path base = stateDir.toAbsolutePath().normalize().resolve("runtime");
        Path runcRoot = runtime.runcRoot().toAbsolutePath().normalize();
        this.runc = new Runc(Commands.resolve(runtime.runc()), runcRoot);
        this.conmon = new Conmon(Commands.resolve(runtime.conmon()), runc, base.resolve("exits"),
                base.resolve("attach"));
        this.network = network;
        this.cgroups = new PodCgroups(runtime.cgroupParent(), nodeName);
        this.sandboxes = new SandboxStore(base.resolve("sandboxes"));
        this.containersDir = base.resolve("containers");
        this.states = new ContainerStates(containersDir, conmon);
        this.nodeAddress = nodeAddress;
        try {
            Files.createDirectories(containersDir);
            Files.createDirectories(runcRoot);
            Files.setPosixFilePermissions(runcRoot, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new RuntimeFailure("cannot create the runtime's directories: " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc} A recorded sandbox whose namespaces are gone (a reboot emptied {@code /run}, the pause process
     * died) is rebuilt in place, keeping its address; its containers are gone with its namespaces. A pod that is not
     * {@code hostNetwork} gets {@link NetworkNotReady} while the node has no pod CIDR, and nothing is made for it.
     */
    @Override
    public Sandbox runSandbox(SandboxConfig config) {
        String uid = checkId("pod uid", config.podUid());
        return podLocks.locked(uid, () -> {
            Optional<SandboxStore.Entry> existing = sandboxes.read(uid);
            if (existing.isPresent() && intact(existing.get())) {
                return existing.get().sandbox();
            }
            if (!config.hostNetwork()) {
                // nothing is made for a pod the network cannot address yet; its worker asks again
                network.notReady().ifPresent(why -> {
                    throw new NetworkNotReady(why);
                });
            }
            // new, or recorded but broken (a reboot emptied /run; the pause process died): every step below
            // completes what exists, and the pod keeps its address
            Path dir = sandboxes.dir(uid);
            try {
                cgroups.create(uid);
                PodNamespaces.Pins pins = namespaces.create(dir, config.hostname(), config.shareProcessNamespace(),
                        cgroups.procsFiles(uid));
                String ip = nodeAddress;
                Path netns = null;
                if (!config.hostNetwork()) {
                    PodNetwork.Attachment attachment = network.attach(uid);
                    ip = attachment.ip();
                    netns = attachment.netns();
                }
                Sandbox sandbox = new Sandbox(uid, ip, netns, pins.ipc(), pins.uts(), pins.pid(), cgroups.path(uid));
                sandboxes.write(SandboxStore.Entry.of(config, sandbox, pins.shm(), Instant.now().toString()));
                return sandbox;
            } catch (RuntimeException e) {
                try {
                    tearDown(uid, config.hostNetwork());
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        });
    }

    /** True when the sandbox's namespaces are still there to be joined. */
    private static boolean intact(SandboxStore.Entry entry) {
        Sandbox s = entry.sandbox();
        return Mounts.isNamespacePin(s.ipcns()) && Mounts.isNamespacePin(s.utsns())
                && (s.netns() == null || Files.exists(s.netns()))
                && (s.pidns() == null || PodNamespaces.pause(s.pidns()).isPresent());
    }

    /**
     * {@inheritDoc} Every recorded sandbox, intact or not (after a reboot its namespaces are gone):
     * {@link #runSandbox} repairs one, {@link #removeSandbox} removes what is left of it.
     */
    @Override
    public List<Sandbox> listSandboxes() {
        return sandboxes.list().stream().map(SandboxStore.Entry::sandbox).toList();
    }

    /** {@inheritDoc} Containers of the pod that are still there are killed and removed first. Idempotent. */
    @Override
    public void removeSandbox(String podUid) {
        String uid = checkId("pod uid", podUid);
        podLocks.locked(uid, () -> {
            for (String id : states.inSandbox(uid)) {
                removeContainer(id, true);
            }
            boolean hostNetwork = sandboxes.read(uid).map(SandboxStore.Entry::hostNetwork).orElse(false);
            tearDown(uid, hostNetwork);
            return null;
        });
    }

    private void tearDown(String uid, boolean hostNetwork) {
        Path dir = sandboxes.dir(uid);
        namespaces.remove(dir);
        if (!hostNetwork) {
            network.detach(uid);
        }
        cgroups.remove(uid);
        sandboxes.delete(uid);
        Mounts.deleteTree(dir);
    }

    @Override
    public ContainerState startContainer(Sandbox sandbox, ContainerPlan plan) {
        String id = checkId("container id", plan.id());
        return containerLocks.locked(id, () -> {
            if (runc.exists(id)) {
                throw new RuntimeFailure("container " + id + " already exists");
            }
            if (plan.rootfs().toAbsolutePath().normalize().getNameCount() == 0) {
                throw new RuntimeFailure("container " + id + " cannot have the host's / as its root filesystem");
            }
            Path bundle = states.bundle(id);
            Mounts.deleteTree(bundle);
            Optional<SandboxStore.Entry> entry = sandboxes.read(sandbox.podUid());
            JsonNode spec = OciSpec.build(plan, sandbox, entry.map(SandboxStore.Entry::hostname).orElse(null),
                    entry.map(SandboxStore.Entry::shmPath).orElse(null), privilegedCapabilities);
            try {
                Files.createDirectories(bundle);
                Files.createDirectories(plan.logPath().toAbsolutePath().getParent());
                Path tmp = bundle.resolve("config.json.tmp");
                Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(spec));
                Files.move(tmp, bundle.resolve("config.json"), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new RuntimeFailure("cannot write the bundle of container " + id + ": " + e.getMessage(), e);
            }
            long pid;
            try {
                pid = conmon.create(id, bundle, plan.logPath().toAbsolutePath());
                // recorded before the process runs, so a process that exits at once never ends before it started
                states.recordStart(id, Instant.now());
                runc.start(id);
            } catch (RuntimeException e) {
                try {
                    discard(id);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            // runc start made the created process (conmon reported its pid) exec the container's command: running,
            // as inspect sees without asking runc for as long as that process lives and conmon wrote no exit file
            running.put(id, states.from(Json.mapper().createObjectNode().put("id", id).put("status", "running")
                    .put("pid", pid)));
            return inspect(id).orElseThrow(() -> new RuntimeFailure("container " + id + " vanished after start"));
        });
    }

    @Override
    public Optional<ContainerState> inspect(String containerId) {
        String id = checkId("container id", containerId);
        ContainerState cached = running.get(id);
        // still running when conmon wrote no exit file and the container's init process lives: no runc needed
        if (cached != null && !java.nio.file.Files.exists(conmon.exitFile(id))
                && ProcessHandle.of(cached.pid()).map(ProcessHandle::isAlive).orElse(false)) {
            return Optional.of(cached);
        }
        Optional<ContainerState> state = runc.state(id).map(states::from);
        if (state.isPresent() && state.get().running() && state.get().pid() > 0) {
            running.put(id, state.get());
        } else {
            running.remove(id);
        }
        return state;
    }

    @Override
    public List<Long> unmanagedProcesses() {
        Path node = cgroups.dir("pids", cgroups.nodePath());
        if (!java.nio.file.Files.isDirectory(node)) {
            return List.of();
        }
        java.util.Map<String, Sandbox> known = new java.util.HashMap<>();
        for (Sandbox s : listSandboxes()) {
            known.put(s.podUid(), s);
        }
        List<Long> strays = new java.util.ArrayList<>();
        try (var pods = java.nio.file.Files.list(node)) {
            for (Path pod : pods.filter(java.nio.file.Files::isDirectory).toList()) {
                String name = pod.getFileName().toString();
                if (!name.startsWith("pod")) {
                    continue;
                }
                Sandbox sandbox = known.get(name.substring(3));
                if (sandbox == null) {
                    try (var all = java.nio.file.Files.walk(pod)) {
                        for (Path procs : all.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                            strays.addAll(pids(procs));
                        }
                    }
                    continue;
                }
                long pause = sandbox.pidns() == null ? -1
                        : PodNamespaces.pause(sandbox.pidns()).map(ProcessHandle::pid).orElse(-1L);
                for (long pid : pids(pod.resolve("cgroup.procs"))) {
                    if (pid != pause) {
                        strays.add(pid);
                    }
                }
            }
        } catch (java.io.IOException e) {
            return strays;
        }
        return strays;
    }

    private static List<Long> pids(Path procs) {
        try {
            return java.nio.file.Files.readAllLines(procs).stream().map(String::strip).filter(l -> !l.isEmpty())
                    .map(Long::parseLong).toList();
        } catch (java.io.IOException | NumberFormatException e) {
            return List.of();
        }
    }

    @Override
    public List<ContainerState> listContainers() {
        return runc.list().stream().map(states::from).toList();
    }

    /** {@inheritDoc} A stopped container is left alone; an unknown one is a {@link RuntimeFailure}. */
    @Override
    public void signal(String containerId, String signal) {
        String id = checkId("container id", containerId);
        if (runc.state(id).isEmpty()) {
            throw new RuntimeFailure("no such container " + id);
        }
        runc.kill(id, signal.startsWith("SIG") ? signal.substring(3) : signal);
    }

    @Override
    public void reopenLog(String containerId) {
        String id = checkId("container id", containerId);
        conmon.reopenLog(id, states.bundle(id));
    }

    @Override
    public void removeContainer(String containerId, boolean force) {
        String id = checkId("container id", containerId);
        running.remove(id);
        containerLocks.locked(id, () -> {
            Optional<JsonNode> state = runc.state(id);
            if (state.isPresent() && "running".equals(state.get().path("status").asString())) {
                if (!force) {
                    throw new RuntimeFailure("container " + id + " is running: stop it first");
                }
                runc.kill(id, "KILL");
                awaitStopped(id);
            }
            discard(id);
            return null;
        });
    }

    /** Deletes the container from runc, waits for its conmon to write the exit file and go, deletes its files. */
    private void discard(String id) {
        runc.delete(id, true);
        Path bundle = states.bundle(id);
        Conmon.process(bundle).ifPresent(p -> {
            try {
                p.onExit().get(STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
        try {
            Files.deleteIfExists(conmon.exitFile(id));
        } catch (IOException e) {
            throw new RuntimeFailure("cannot delete the exit file of container " + id + ": " + e.getMessage(), e);
        }
        Mounts.deleteTree(bundle);
    }

    private void awaitStopped(String id) {
        Instant deadline = Instant.now().plus(STOP_PATIENCE);
        while (runc.state(id).map(s -> "running".equals(s.path("status").asString())).orElse(false)) {
            if (Instant.now().isAfter(deadline)) {
                throw new RuntimeFailure("container " + id + " did not stop after SIGKILL");
            }
            sleep(50);
        }
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        String id = requireRunning(containerId);
        Path pidFile = states.bundle(id).resolve("exec-" + UUID.randomUUID() + ".pid");
        try {
            Commands.Result r = Commands.run(runc.execArgv(id, command, pidFile, false), timeout, null, Map.of(),
                    () -> killExecProcess(pidFile));
            return new ExecResult(r.timedOut() ? -1 : r.exitCode(), r.stdout(), r.stderr(), r.timedOut());
        } finally {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // the bundle goes with the container
            }
        }
    }

    /**
     * {@inheritDoc} With {@code tty}, the command gets a pseudo-terminal inside the container: {@code runc exec --tty}
     * needs a terminal of its own to relay, so it runs under util-linux {@code script}, which gives it one and relays
     * it over the returned process's stdin and stdout (stderr is merged, input is echoed, lines end in CR LF, as on
     * any terminal). The terminal keeps its default size: resizing is not supported yet. Without {@code script} on
     * the node, a tty exec gets plain pipes.
     */
    @Override
    public Process execStreaming(String containerId, List<String> command, boolean tty) {
        String id = requireRunning(containerId);
        List<String> argv = runc.execArgv(id, command, null, tty);
        if (tty && Commands.installed("script")) {
            argv = List.of("script", "--quiet", "--return", "--command", shellQuote(argv), "/dev/null");
        } else if (tty) {
            argv = runc.execArgv(id, command, null, false);
        }
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(tty);
        Commands.configure(pb, null, Map.of("SHELL", "/bin/sh"));
        try {
            return pb.start();
        } catch (IOException e) {
            throw new RuntimeFailure("cannot exec in container " + id + ": " + e.getMessage(), e);
        }
    }

    static String shellQuote(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String arg : argv) {
            sb.append(sb.isEmpty() ? "" : " ").append('\'').append(arg.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }

    private String requireRunning(String containerId) {
        String id = checkId("container id", containerId);
        JsonNode state = runc.state(id).orElseThrow(() -> new RuntimeFailure("no such container " + id));
        if (!"running".equals(state.path("status").asString())) {
            throw new RuntimeFailure("container " + id + " is not running");
        }
        return id;
    }

    private static void killExecProcess(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | NumberFormatException e) {
            // runc has not started it yet: killing runc is enough
        }
    }

    private static String checkId(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new RuntimeFailure("invalid " + what + " \"" + id + "\": letters, digits, '_', '.', '+' and '-', "
                    + "at most 128, starting with a letter or digit");
        }
        return id;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted");
        }
    }
}
