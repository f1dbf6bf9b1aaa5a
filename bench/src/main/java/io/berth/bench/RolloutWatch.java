package io.berth.bench;

import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The deployments benchmark's two watches on its namespace, both opened before the first create
 * ({@link WatchStream}): one on the pods, which notes when each is first seen with {@code status.phase} Running
 * (what KWOK's CI gate counts), and one on the Deployments, which notes when each first reports itself complete:
 * {@code status.availableReplicas} equal to {@code spec.replicas}, condition Available True, and
 * {@code status.observedGeneration} equal to {@code metadata.generation} (what {@code kubectl rollout status} waits
 * for). Both write into {@link Rollouts}, one per set of Deployments (the warm-up's, the measured ones). Either
 * failing is {@link #error()}.
 */
final class RolloutWatch implements AutoCloseable {

    private static final byte[] RUNNING = "\"Running\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AVAILABLE = "\"Available\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "\"ERROR\"".getBytes(StandardCharsets.US_ASCII);

    /** A pod seen Running, of the Deployment its {@code app} label names; or a watch error ({@code error} set). */
    record PodEvent(String pod, String app, String error) {
    }

    /** A Deployment seen complete; or a watch error ({@code error} set). */
    record DeploymentEvent(String name, String error) {
    }

    private final WatchStream pods;
    private final WatchStream deployments;

    private RolloutWatch(WatchStream pods, WatchStream deployments) {
        this.pods = pods;
        this.deployments = deployments;
    }

    /** Opens both watches on {@code namespace}; returns once both answered 200. */
    static RolloutWatch open(GatewayClient client, String namespace, List<Rollouts> rollouts) {
        List<Rollouts> targets = List.copyOf(rollouts);
        WatchStream pods = WatchStream.open(client, Pods.podsPath(namespace), "pod watch",
                (line, from, length, now) -> {
                    PodEvent e = podEvent(line, from, length);
                    if (e != null && e.error() == null) {
                        for (Rollouts r : targets) {
                            r.podRunning(e.app(), e.pod(), now);
                        }
                    }
                    return e == null ? null : e.error();
                });
        try {
            WatchStream deployments = WatchStream.open(client, deploymentsPath(namespace), "deployment watch",
                    (line, from, length, now) -> {
                        DeploymentEvent e = deploymentEvent(line, from, length);
                        if (e != null && e.error() == null) {
                            for (Rollouts r : targets) {
                                r.deploymentAvailable(e.name(), now);
                            }
                        }
                        return e == null ? null : e.error();
                    });
            return new RolloutWatch(pods, deployments);
        } catch (RuntimeException e) {
            pods.close();
            throw e;
        }
    }

    static String deploymentsPath(String namespace) {
        return "/apis/apps/v1/namespaces/" + namespace + "/deployments";
    }

    /** Why a watch stopped (the pod watch's reason first), or null while both run. */
    String error() {
        String why = pods.error();
        return why != null ? why : deployments.error();
    }

    /** e.g. {@code the pod watch delivered 41230 lines and was resumed 0 times; the deployment watch ...}. */
    String describe() {
        return describe("pod watch", pods) + "; " + describe("deployment watch", deployments);
    }

    private static String describe(String name, WatchStream watch) {
        return "the " + name + " delivered " + watch.lines() + " lines and was resumed " + watch.resumes() + " times"
                + (watch.error() == null ? "" : "; it failed: " + watch.error());
    }

    /** Times either watch ended and was resumed. */
    int resumes() {
        return pods.resumes() + deployments.resumes();
    }

    /**
     * The Running pod or error a pod watch line reports, or null for every other line (a pod not Running, a BOOKMARK,
     * a DELETED pod, a pod without an {@code app} label). Only lines that mention {@code "Running"} or
     * {@code "ERROR"} are parsed: most of the stream is pods being created, bound and started.
     */
    static PodEvent podEvent(byte[] line, int offset, int length) {
        if (!WatchStream.contains(line, offset, length, RUNNING) && !WatchStream.contains(line, offset, length, ERROR)) {
            return null;
        }
        WatchStream.Event event = WatchStream.parse(line, offset, length);
        if (event.error() != null) {
            return new PodEvent(null, null, event.error());
        }
        if (!event.addedOrModified()) {
            return null;
        }
        JsonNode object = event.object();
        String pod = object.path("metadata").path("name").asString("");
        String app = object.path("metadata").path("labels").path("app").asString("");
        return pod.isEmpty() || app.isEmpty() || !"Running".equals(object.path("status").path("phase").asString(""))
                ? null : new PodEvent(pod, app, null);
    }

    /**
     * The complete Deployment or error a Deployment watch line reports, or null for every other line (one still
     * rolling out, a BOOKMARK, a DELETED one). Only lines that mention {@code "Available"} or {@code "ERROR"} are
     * parsed.
     */
    static DeploymentEvent deploymentEvent(byte[] line, int offset, int length) {
        if (!WatchStream.contains(line, offset, length, AVAILABLE)
                && !WatchStream.contains(line, offset, length, ERROR)) {
            return null;
        }
        WatchStream.Event event = WatchStream.parse(line, offset, length);
        if (event.error() != null) {
            return new DeploymentEvent(null, event.error());
        }
        if (!event.addedOrModified()) {
            return null;
        }
        JsonNode object = event.object();
        String name = object.path("metadata").path("name").asString("");
        return name.isEmpty() || !complete(object) ? null : new DeploymentEvent(name, null);
    }

    /**
     * Whether a Deployment reports its rollout complete and available: every replica available, the Available
     * condition True, and its status about its latest spec. {@code spec.replicas} defaults to 1, as in Kubernetes.
     */
    static boolean complete(JsonNode deployment) {
        JsonNode status = deployment.path("status");
        long generation = deployment.path("metadata").path("generation").asLong(-1);
        if (generation < 0 || status.path("observedGeneration").asLong(-2) != generation
                || status.path("availableReplicas").asInt(0) != deployment.path("spec").path("replicas").asInt(1)) {
            return false;
        }
        for (JsonNode c : status.path("conditions")) {
            if ("Available".equals(c.path("type").asString("")) && "True".equals(c.path("status").asString(""))) {
                return true;
            }
        }
        return false;
    }

    /** Cancels both watches. */
    @Override
    public void close() {
        try {
            deployments.close();
        } finally {
            pods.close();
        }
    }
}
