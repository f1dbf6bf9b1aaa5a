package io.berth.node.pods;

import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.ContainerState;
import io.berth.node.runtime.Sandbox;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends a pod as the kubelet does: preStop hooks (in parallel, within the grace period), SIGTERM to each container's
 * init process, wait for the rest of the grace period, SIGKILL what still runs; then removes the containers and the
 * sandbox. Blocks for up to the grace period: run it on its own thread, never on a pod worker's lane.
 */
final class PodTerminator {

    private static final Logger log = LoggerFactory.getLogger(PodTerminator.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final ContainerRuntime runtime;
    private final Hooks hooks;
    private final ExecutorService hookThreads;
    private final Clock clock;

    PodTerminator(ContainerRuntime runtime, Hooks hooks, ExecutorService hookThreads, Clock clock) {
        this.runtime = runtime;
        this.hooks = hooks;
        this.hookThreads = hookThreads;
        this.clock = clock;
    }

    /**
     * Stops every running container of {@code pod} within {@code grace} and removes its containers and sandbox.
     * {@code runHooks} is false for a pod the API no longer has (force-deleted): then TERM and a short wait only.
     */
    void terminate(Pod pod, List<ContainerBook> books, Sandbox sandbox, Duration grace, boolean runHooks) {
        Instant deadline = clock.instant().plus(grace);
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (ContainerBook book : books) {
            if (book.current == null || !book.current.running()) {
                continue;
            }
            String id = book.current.id();
            Container spec = spec(pod, book.name);
            stopping.add(CompletableFuture.runAsync(() -> {
                if (runHooks && spec != null) {
                    hooks.preStop(pod, spec, id, sandbox, Duration.between(clock.instant(), deadline));
                }
                signal(id, "TERM");
            }, hookThreads));
        }
        try {
            CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, grace.toMillis() + 1000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("preStop/TERM of {} did not finish in time", pod.getMetadata().getName(), e);
        }
        awaitStopped(books, deadline);
        for (ContainerBook book : books) {
            if (book.current != null && running(book.current.id())) {
                signal(book.current.id(), "KILL");
            }
        }
        awaitStopped(books, clock.instant().plusSeconds(10));
        for (ContainerBook book : books) {
            for (ContainerState run : new ContainerState[] {book.previous, book.current}) {
                if (run != null) {
                    runtime.removeContainer(run.id(), true);
                }
            }
        }
    }

    private void awaitStopped(List<ContainerBook> books, Instant until) {
        while (clock.instant().isBefore(until)) {
            boolean any = false;
            for (ContainerBook book : books) {
                if (book.current != null && running(book.current.id())) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return;
            }
            try {
                // a bounded poll of the runtime, not a wait for a test condition
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean running(String id) {
        return runtime.inspect(id).map(ContainerState::running).orElse(false);
    }

    private void signal(String id, String signal) {
        try {
            runtime.signal(id, signal);
        } catch (RuntimeException e) {
            log.debug("signal {} to {} failed: {}", signal, id, e.getMessage());
        }
    }

    private static Container spec(Pod pod, String name) {
        for (Container c : PodWorker.initContainers(pod)) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
