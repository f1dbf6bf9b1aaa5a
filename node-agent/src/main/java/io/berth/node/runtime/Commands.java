package io.berth.node.runtime;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the node's helper programs ({@code runc}, {@code ip}, {@code umount}, ...) with a deadline and captures their
 * output. Stateless and thread safe.
 *
 * <p>Standard input is {@code /dev/null}, so a program that would wait for input fails instead of hanging. A program
 * that leaves a background child holding its output pipes open (e.g. {@code sh -c 'sleep 100 &'} under
 * {@code runc exec}) does not hold the caller either: output is collected for a short grace period after the program
 * exits, then the rest is dropped.
 */
public final class Commands {

    /** Where the helpers live when the agent's PATH is a non-root user's (no {@code /usr/sbin}). */
    private static final List<String> EXTRA_PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");
    private static final int MAX_CAPTURE = 4 * 1024 * 1024;
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);

    private Commands() {
    }

    /** A finished (or timed out and killed) program. */
    public record Result(int exitCode, String stdout, String stderr, boolean timedOut) {

        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** stderr, else stdout, trimmed: what the program said about its failure. */
        public String message() {
            String s = stderr.isBlank() ? stdout : stderr;
            return s.strip();
        }
    }

    /** Runs {@code argv}, waiting at most {@code timeout}; a program still running then is killed. */
    public static Result run(List<String> argv, Duration timeout) {
        return run(argv, timeout, null, Map.of());
    }

    /** Runs {@code argv} in {@code cwd} (null: the agent's) with {@code env} added to the agent's environment. */
    public static Result run(List<String> argv, Duration timeout, Path cwd, Map<String, String> env) {
        return run(argv, timeout, cwd, env, () -> { });
    }

    /**
     * As {@link #run(List, Duration, Path, Map)}, calling {@code onTimeout} before killing a program that overran
     * (e.g. to kill what {@code runc exec} started, which outlives a killed runc).
     */
    public static Result run(List<String> argv, Duration timeout, Path cwd, Map<String, String> env,
                             Runnable onTimeout) {
        Process process = start(argv, cwd, env);
        Drain out = new Drain(process.getInputStream());
        Drain err = new Drain(process.getErrorStream());
        boolean timedOut = false;
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                onTimeout.run();
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RuntimeFailure(argv.get(0) + " was interrupted");
        }
        int code = timedOut ? -1 : process.exitValue();
        return new Result(code, out.collect(), err.collect(), timedOut);
    }

    /**
     * Runs {@code argv} and returns its stdout; a failure becomes a {@link RuntimeFailure} reading
     * {@code "<what>: <the program's message>"}.
     */
    public static String check(String what, List<String> argv, Duration timeout) {
        Result r = run(argv, timeout);
        if (r.timedOut()) {
            throw new RuntimeFailure(what + ": " + argv.get(0) + " did not finish within " + timeout.toSeconds() + "s");
        }
        if (r.exitCode() != 0) {
            throw new RuntimeFailure(what + ": " + r.message());
        }
        return r.stdout();
    }

    /** Starts {@code argv} with stdin from {@code /dev/null}; the caller owns the process and its pipes. */
    public static Process start(List<String> argv, Path cwd, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        configure(pb, cwd, env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new RuntimeFailure("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
    }

    static void configure(ProcessBuilder pb, Path cwd, Map<String, String> env) {
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        Map<String, String> environment = pb.environment();
        environment.put("PATH", searchPath());
        environment.putAll(env);
    }

    /**
     * The absolute path of {@code binary}: itself when it has a slash, else the first match on the agent's PATH
     * or the usual system directories. conmon insists on an absolute runtime path.
     */
    public static Path resolve(String binary) {
        if (binary.contains("/")) {
            return Path.of(binary).toAbsolutePath();
        }
        for (String dir : searchPath().split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, binary);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new RuntimeFailure(binary + " is not installed (not found on PATH or in " + EXTRA_PATH + ")");
    }

    /** True when {@code binary} can be found (see {@link #resolve}). */
    public static boolean installed(String binary) {
        try {
            resolve(binary);
            return true;
        } catch (RuntimeFailure e) {
            return false;
        }
    }

    private static String searchPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        StringBuilder sb = new StringBuilder(path);
        for (String dir : EXTRA_PATH) {
            if (!(":" + path + ":").contains(":" + dir + ":")) {
                sb.append(sb.isEmpty() ? "" : ":").append(dir);
            }
        }
        return sb.toString();
    }

    /** Reads a pipe on its own thread, keeping at most {@link #MAX_CAPTURE} bytes. */
    private static final class Drain {
        private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        private final Thread reader;

        Drain(InputStream in) {
            reader = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        synchronized (sink) {
                            if (sink.size() < MAX_CAPTURE) {
                                sink.write(buf, 0, Math.min(n, MAX_CAPTURE - sink.size()));
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the pipe was closed under us: what was read is all there is
                }
            }, "berth-command-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** The output, waiting a little for a pipe a background child may still hold open. */
        String collect() {
            try {
                reader.join(OUTPUT_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (sink) {
                return sink.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
