package io.berth.bench;

import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.Pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a real node's pod startup time goes, read from the traces the node agent leaves on disk while the pods run
 * (so it changes nothing in the agent): the modification times of what each step creates (a bind-mounted namespace
 * reads as the time its nsfs inode was made), and the times two of its files hold. Not the pod cgroup: kernfs
 * times a directory by its last new child (runc's container cgroup) and a file by its first lookup. For the progress log, not the table: it follows the agent's on-disk layout, and a stage whose file
 * moved is reported as unknown rather than failing the benchmark. The stages, in the order a pod's first sync takes
 * them:
 * <ol>
 *   <li>create to the pod's IPC namespace pin (the time of its nsfs inode, made by {@code unshare}): the create
 *       itself, the agent's watch, its queue, the sync starting, the pod cgroups;</li>
 *   <li>to the network namespace ({@code ip netns add}): the UTS pin, the pod's {@code /dev/shm}, the address;</li>
 *   <li>to {@code sandbox.json}'s {@code createdAt}: the veth pair, the address, the routes ({@code ip} commands);</li>
 *   <li>to the ServiceAccount token file: the volumes' tmpfs, the TokenRequest round trip, the projected files;</li>
 *   <li>to the bundle's {@code config.json}: the host image's {@code /etc} overlay, the container plan, the spec;</li>
 *   <li>to the bundle's {@code started}: conmon and {@code runc create};</li>
 *   <li>to Running in the client's watch: {@code runc start}, {@code runc state}, the status write, the watch.</li>
 * </ol>
 * Every clock is this machine's wall clock.
 */
final class StartupStages {

    static final List<String> STAGES = List.of(
            "create -> IPC namespace pinned (watch, queue)",
            "-> netns (shm, IPAM, ip netns add)",
            "-> sandbox.json (veth, address, routes)",
            "-> SA token written (TokenRequest, tmpfs)",
            "-> bundle config.json (/etc overlay, plan)",
            "-> started (conmon + runc create)",
            "-> Running in the watch (runc start, status write)");

    private StartupStages() {
    }

    /**
     * One line per stage with its p50, p90 and max over the pods, in ms; {@code sentAt} and {@code runningAt} are
     * the client's times, {@code running} the pods as seen Running (for their uids).
     */
    static List<String> describe(Map<String, Instant> sentAt, Map<String, Instant> runningAt,
                                 Map<String, Pod> running, String namespace, Path stateDir, String bridge) {
        List<List<Long>> stages = new ArrayList<>();
        STAGES.forEach(s -> stages.add(new ArrayList<>()));
        for (Map.Entry<String, Pod> e : running.entrySet()) {
            String name = e.getKey();
            String uid = e.getValue().getMetadata().getUid();
            Instant[] marks = {
                    sentAt.get(name),
                    modified(stateDir.resolve("runtime/sandboxes").resolve(uid).resolve("ns/ipc")),
                    modified(Path.of("/run/netns", "berth-" + bridge + "-" + uid)),
                    sandboxCreated(stateDir.resolve("runtime/sandboxes").resolve(uid).resolve("sandbox.json")),
                    modified(stateDir.resolve("pods").resolve(namespace + "_" + name + "_" + uid)
                            .resolve("volumes/kube-api-access-berth/token")),
                    bundleFile(stateDir, uid, "config.json", false),
                    bundleFile(stateDir, uid, "started", true),
                    runningAt.get(name)};
            for (int i = 0; i < STAGES.size(); i++) {
                if (marks[i] != null && marks[i + 1] != null) {
                    stages.get(i).add(Duration.between(marks[i], marks[i + 1]).toNanos());
                }
            }
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < STAGES.size(); i++) {
            lines.add(String.format(Locale.ROOT, "%-50s %s", STAGES.get(i), summary(stages.get(i))));
        }
        return lines;
    }

    /** {@code p50 12.3 ms, p90 45.6 ms, max 78.9 ms (100 pods)}, or why there is nothing. */
    static String summary(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "unknown (no trace on disk)";
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "p50 %s ms, p90 %s ms, max %s ms (%d pods)",
                Table.number(Latencies.percentile(sorted, 50) / 1e6),
                Table.number(Latencies.percentile(sorted, 90) / 1e6),
                Table.number(sorted[sorted.length - 1] / 1e6), sorted.length);
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    private static Instant sandboxCreated(Path file) {
        try {
            return Instant.parse(Json.tree(Files.readAllBytes(file)).path("createdAt").asString());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A file of the pod's first container bundle ({@code <uid>-<container>-<attempt>}): its time or its content. */
    private static Instant bundleFile(Path stateDir, String uid, String file, boolean content) {
        Path containers = stateDir.resolve("runtime/containers");
        try (Stream<Path> bundles = Files.list(containers)) {
            Path bundle = bundles.filter(b -> b.getFileName().toString().startsWith(uid + "-")).sorted()
                    .findFirst().orElse(null);
            if (bundle == null) {
                return null;
            }
            return content ? Instant.parse(Files.readString(bundle.resolve(file)).strip())
                    : modified(bundle.resolve(file));
        } catch (IOException | DateTimeParseException e) {
            return null;
        }
    }
}
