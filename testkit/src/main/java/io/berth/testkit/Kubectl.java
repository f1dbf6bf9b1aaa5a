package io.berth.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The real {@code kubectl} binary (from PATH) against one kubeconfig, the way users drive a cluster.
 *
 * <p>Each instance runs kubectl with a temporary HOME of its own, so kubectl's discovery cache starts empty:
 * a test sees what the server serves now, not what an earlier test's server served. {@link #close()} deletes
 * that HOME. Thread-safe: commands may run concurrently.
 */
public final class Kubectl implements AutoCloseable {

    /** Timeout of {@link #run(String...)}: generous, because a slow CI machine must not fail a correct test. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Path kubeconfig;
    private final Path home;

    /** A runner for {@code kubeconfig}, which must exist by the time a command runs. */
    public Kubectl(Path kubeconfig) {
        this.kubeconfig = kubeconfig.toAbsolutePath();
        try {
            this.home = Files.createTempDirectory("berth-kubectl-home-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary HOME for kubectl", e);
        }
    }

    /** The temporary HOME this instance gives kubectl. */
    public Path home() {
        return home;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** Runs {@code kubectl args...} to completion within {@link #DEFAULT_TIMEOUT}. */
    public Result run(String... args) {
        return run(DEFAULT_TIMEOUT, args);
    }

    /**
     * Runs {@code kubectl args...} to completion. A non-zero exit is a {@link Result}, not an exception.
     *
     * @throws IllegalStateException when kubectl has not exited within {@code timeout} (it is then killed),
     *         with what it printed so far
     */
    public Result run(Duration timeout, String... args) {
        return runWithInput(null, timeout, args);
    }

    /** Runs {@code kubectl args...} with {@code input} on its standard input, e.g. {@code apply -f -}. */
    public Result runWithInput(String input, String... args) {
        return runWithInput(input, DEFAULT_TIMEOUT, args);
    }

    /** As {@link #run(Duration, String...)}, with {@code input} (or nothing, when null) on standard input. */
    public Result runWithInput(String input, Duration timeout, String... args) {
        Process process = launch(args);
        // Both streams are drained while kubectl runs, so a full pipe can never block it.
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try (OutputStream stdin = process.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // kubectl exited without reading its input; its exit code and stderr tell why
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(describe(args) + " did not finish within " + timeout
                        + "\nstdout:\n" + stdout.getNow("") + "\nstderr:\n" + stderr.getNow(""));
            }
            return new Result(process.exitValue(), stdout.get(10, TimeUnit.SECONDS), stderr.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + describe(args), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the output of " + describe(args), e);
        }
    }

    /**
     * Starts a long-running command such as {@code get pods -w}; its output lines can be awaited on the
     * returned handle, which stops kubectl when closed.
     */
    public Running start(String... args) {
        return new Running(describe(args), launch(args));
    }

    /** Deletes the temporary HOME. Commands started by {@link #start} are closed by their own handles. */
    @Override
    public void close() {
        TempFiles.deleteQuietly(home);
    }

    private Process launch(String... args) {
        List<String> command = new ArrayList<>();
        command.add("kubectl");
        // The kubeconfig goes by environment: a --kubeconfig flag before the subcommand breaks kubectl plugins.
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("HOME", home.toString());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        // Settings of the machine's user must not leak into tests.
        builder.environment().remove("KUBECACHEDIR");
        builder.environment().remove("KUBECTL_EXTERNAL_DIFF");
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kubectl (is it on PATH? install kubectl 1.32): " + describe(args), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = stream) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(cannot read: " + e.getMessage() + ")";
            }
        }, runnable -> {
            Thread thread = new Thread(runnable, "kubectl-output");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private static String describe(String... args) {
        return "kubectl " + String.join(" ", args);
    }

    /** What a finished kubectl command printed and how it exited. */
    public record Result(int exitCode, String stdout, String stderr) {

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** This result, if the command succeeded; otherwise an exception that shows its output. */
        public Result orThrow() {
            if (!succeeded()) {
                throw new IllegalStateException("kubectl failed: " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /**
     * A kubectl command that keeps running (a watch, a port-forward, a proxy). Its stdout lines are collected
     * as they arrive; stderr is kept for failure messages. Thread-safe.
     */
    public static final class Running implements AutoCloseable {

        private final String description;
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;
        private final CompletableFuture<String> errors;

        private Running(String description, Process process) {
            this.description = description;
            this.process = process;
            this.errors = drain(process.getErrorStream());
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // nothing to write either way
            }
            this.reader = new Thread(this::readLines, "kubectl-lines");
            reader.setDaemon(true);
            reader.start();
        }

        private void readLines() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the stream closes when the process is destroyed
            }
        }

        /** The stdout lines so far, in order. */
        public List<String> lines() {
            return List.copyOf(lines);
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** The first stdout line (so far or to come within {@link #DEFAULT_TIMEOUT}) that matches. */
        public String awaitLine(Predicate<String> matching) {
            return awaitLine(DEFAULT_TIMEOUT, matching);
        }

        /** The first stdout line containing {@code text}, waiting up to {@link #DEFAULT_TIMEOUT}. */
        public String awaitLineContaining(String text) {
            return awaitLine(DEFAULT_TIMEOUT, line -> line.contains(text));
        }

        /**
         * The first stdout line (so far or to come within {@code timeout}) that matches.
         *
         * @throws IllegalStateException when none does in time, or kubectl exits first, with its output
         */
        public String awaitLine(Duration timeout, Predicate<String> matching) {
            AtomicReference<String> found = new AtomicReference<>();
            try {
                Awaitility.await(description + " prints a matching line")
                        .atMost(timeout)
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> {
                            boolean exited = !process.isAlive();
                            if (exited) {
                                // the reader may still be handing over the last lines
                                reader.join(TimeUnit.SECONDS.toMillis(5));
                            }
                            lines.stream().filter(matching).findFirst().ifPresent(found::set);
                            if (found.get() == null && exited) {
                                throw new IllegalStateException(description + " exited with " + process.exitValue()
                                        + " before printing a matching line; " + output());
                            }
                            return found.get() != null;
                        });
            } catch (ConditionTimeoutException e) {
                throw new IllegalStateException(description + " printed no matching line within " + timeout + "; " + output(), e);
            }
            return found.get();
        }

        /** Stops kubectl. Idempotent. */
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                reader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        private String output() {
            String err = errors.isDone() ? errors.getNow("") : "(not complete while kubectl runs)";
            return "stdout:\n" + String.join("\n", lines) + "\nstderr:\n" + err;
        }
    }
}
