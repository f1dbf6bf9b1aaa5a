package io.berth.node.runtime;

/** A finished {@code runc exec}: exit code (-1 when it timed out and was killed) and its output. */
public record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut) {
}
