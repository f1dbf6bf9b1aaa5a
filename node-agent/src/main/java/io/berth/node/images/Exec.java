package io.berth.node.images;

import io.berth.node.runtime.RuntimeFailure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the store's tools (skopeo, umoci, mount) and turns their failures into readable {@link RuntimeFailure}s. */
final class Exec {

    /** What a finished command printed. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private Exec() {
    }

    /** Runs {@code command}; a non-zero exit is a {@link RuntimeFailure} saying {@code what} failed and why. */
    static Result check(String what, List<String> command, Duration timeout) {
        Result result = run(command, timeout);
        if (result.exitCode() != 0) {
            String why = result.stderr().isBlank() ? result.stdout() : result.stderr();
            throw new RuntimeFailure(what + ": " + firstLines(why.strip(), 20));
        }
        return result;
    }

    /** Runs {@code command}, waiting at most {@code timeout}; the caller judges the exit code. */
    static Result run(List<String> command, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
            // Nothing is ever fed to the tools: a closed stdin makes one that asks for input fail instead of hang.
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new RuntimeFailure(command.get(0) + " could not be started (is it installed?): " + e.getMessage(), e);
        }
        // Both pipes are drained at once: a tool that fills one while we block on the other would hang.
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        String stdout = drain(process.getInputStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new RuntimeFailure(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), stdout, stderr.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while running " + command.get(0), e);
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLines(String text, int max) {
        String[] lines = text.split("\n", max + 1);
        return lines.length <= max ? text : String.join("\n", List.of(lines).subList(0, max)) + "\n...";
    }
}
