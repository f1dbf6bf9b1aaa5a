package io.berth.node.server;

import io.berth.node.pods.PodLocator;
import io.berth.node.runtime.ContainerPlan;
import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.ContainerState;
import io.berth.node.runtime.ExecResult;
import io.berth.node.runtime.Sandbox;
import io.berth.node.runtime.SandboxConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A container runtime whose only working call is {@code execStreaming}, which runs the command as a local process
 * (so {@code sh -c ...} works), and a pod locator over a map the test fills.
 */
final class StubRuntime implements ContainerRuntime, PodLocator {

    final Map<String, Located> containers = new ConcurrentHashMap<>();
    final List<List<String>> execs = new java.util.concurrent.CopyOnWriteArrayList<>();

    void put(String namespace, String pod, Located located) {
        containers.put(namespace + "/" + pod + "/" + located.container(), located);
    }

    @Override
    public Optional<Located> find(String namespace, String pod, String container) {
        return Optional.ofNullable(containers.get(namespace + "/" + pod + "/" + container));
    }

    @Override
    public Process execStreaming(String containerId, List<String> command, boolean tty) {
        execs.add(command);
        try {
            return new ProcessBuilder(command).redirectErrorStream(tty).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Sandbox runSandbox(SandboxConfig config) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Sandbox> listSandboxes() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeSandbox(String podUid) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ContainerState startContainer(Sandbox sandbox, ContainerPlan plan) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ContainerState> inspect(String containerId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ContainerState> listContainers() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void reopenLog(String containerId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void signal(String containerId, String signal) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeContainer(String containerId, boolean force) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        throw new UnsupportedOperationException();
    }
}
