package io.berth.node.pods;

import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.ExecResult;
import io.berth.node.runtime.Sandbox;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * postStart and preStop hooks (exec, httpGet to the pod IP, sleep). A failed postStart kills the container, as the
 * kubelet does; preStop runs within the termination grace period and its failure does not stop the termination.
 * Thread safe; hooks run on {@code executor}, never on a pod worker's lane.
 */
class Hooks {

    private static final Logger log = LoggerFactory.getLogger(Hooks.class);

    private final ContainerRuntime runtime;
    private final Prober prober;
    private final ExecutorService executor;
    private final PodContext.EventRecorder events;

    Hooks(ContainerRuntime runtime, Prober prober, ExecutorService executor, PodContext.EventRecorder events) {
        this.runtime = runtime;
        this.prober = prober;
        this.executor = executor;
        this.events = events;
    }

    /** Runs the container's postStart hook, if any, in the background; kills the container when it fails. */
    void postStart(Pod pod, Container c, String containerId, Sandbox sandbox) {
        LifecycleHandler h = c.getLifecycle() == null ? null : c.getLifecycle().getPostStart();
        if (h == null) {
            return;
        }
        executor.execute(() -> {
            String error = run(h, c, containerId, sandbox, Duration.ofSeconds(30));
            if (error != null) {
                events.record(pod, "Warning", "FailedPostStartHook", error);
                runtime.signal(containerId, "KILL");
            }
        });
    }

    /** Runs preStop (if any) in the background, then {@code then}. */
    void preStopAsync(Pod pod, Container c, String containerId, Sandbox sandbox, Runnable then) {
        executor.execute(() -> {
            preStop(pod, c, containerId, sandbox, grace(pod));
            then.run();
        });
    }

    /** Runs preStop (if any) for at most {@code budget}; blocks. */
    void preStop(Pod pod, Container c, String containerId, Sandbox sandbox, Duration budget) {
        LifecycleHandler h = c.getLifecycle() == null ? null : c.getLifecycle().getPreStop();
        if (h == null || budget.isNegative() || budget.isZero()) {
            return;
        }
        String error = run(h, c, containerId, sandbox, budget);
        if (error != null) {
            events.record(pod, "Warning", "FailedPreStopHook", error);
        }
    }

    /** Runs one handler; null on success, else the error. */
    private String run(LifecycleHandler h, Container c, String containerId, Sandbox sandbox, Duration budget) {
        try {
            if (h.getExec() != null) {
                ExecResult r = runtime.exec(containerId, h.getExec().getCommand(), budget);
                return r.exitCode() == 0 ? null : "Exec lifecycle hook (" + String.join(" ", h.getExec().getCommand())
                        + ") for Container \"" + c.getName() + "\" failed - error: command exited with "
                        + r.exitCode() + ", message: \"" + (r.stdout() + r.stderr()).strip() + "\"";
            }
            if (h.getHttpGet() != null) {
                var probe = new ProbeBuilder().withHttpGet(h.getHttpGet())
                        .withTimeoutSeconds((int) Math.max(1, budget.toSeconds())).build();
                Prober.Result r = prober.probe(probe, c, containerId, sandbox == null ? null : sandbox.ip());
                return r.success() ? null : "HTTP lifecycle hook for Container \"" + c.getName() + "\" failed: "
                        + r.output();
            }
            if (h.getSleep() != null && h.getSleep().getSeconds() != null) {
                long ms = Math.min(budget.toMillis(), h.getSleep().getSeconds() * 1000);
                CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS))
                        .get(ms + 1000, TimeUnit.MILLISECONDS);
                return null;
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (TimeoutException | java.util.concurrent.ExecutionException | RuntimeException e) {
            log.debug("hook of {} failed", c.getName(), e);
            return "lifecycle hook for Container \"" + c.getName() + "\" failed: " + e.getMessage();
        }
    }

    static Duration grace(Pod pod) {
        Long g = pod.getMetadata().getDeletionGracePeriodSeconds();
        if (g == null) {
            g = pod.getSpec().getTerminationGracePeriodSeconds();
        }
        return Duration.ofSeconds(g == null ? 30 : g);
    }
}
