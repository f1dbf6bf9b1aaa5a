package io.berth.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Pod startup latency as Kubernetes' SLO defines it: from the client's create (the time just before the POST) to the
 * first watch event in which the pod's {@code status.phase} is Running. An open loop ({@link OpenLoop}) creates the
 * pods at a fixed rate through the gateway with the fabric8 client, bound to a node by {@code spec.nodeName} (there
 * is no scheduler yet); one watch on the namespace, opened before the first create, observes them.
 */
final class PodStartups {

    private static final Duration CREATE_DRAIN = Duration.ofSeconds(30);

    /**
     * What one run measured. {@code startup}: create to Running of every pod whose create succeeded, a pod not
     * Running by the deadline as {@link Latencies#LOST}; {@code creates}: the POSTs, from their scheduled time;
     * {@code sentAt}: the wall-clock time of each POST (for {@link StartupStages}); {@code running}: each pod as the
     * watch first saw it Running; {@code watchError}: why the watch ended early, or null.
     */
    record Result(Latencies startup, Latencies creates, OpenLoop.Result posts, Map<String, Instant> sentAt,
                  Map<String, Pod> running, Map<String, Instant> runningAt, String watchError) {
    }

    private PodStartups() {
    }

    /**
     * Creates {@code pods} pods named {@code <prefix><i>} on {@code node} at {@code perSecond}, then waits until
     * every created pod is Running or {@code deadline} has passed since the last create.
     */
    static Result run(KubernetesClient client, String namespace, String node, String prefix, int pods,
                      double perSecond, Duration deadline) {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Instant> sentAt = new ConcurrentHashMap<>();
        Map<String, Boolean> created = new ConcurrentHashMap<>();
        Map<String, Long> runningNanos = new ConcurrentHashMap<>();
        Map<String, Instant> runningAt = new ConcurrentHashMap<>();
        Map<String, Pod> running = new ConcurrentHashMap<>();
        AtomicReference<String> watchError = new AtomicReference<>();
        Watch watch = client.pods().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                long now = System.nanoTime();
                String name = pod.getMetadata().getName();
                if (name.startsWith(prefix) && pod.getStatus() != null
                        && "Running".equals(pod.getStatus().getPhase())
                        && runningNanos.putIfAbsent(name, now) == null) {
                    runningAt.put(name, Instant.now());
                    running.put(name, pod);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                watchError.compareAndSet(null, "the pod watch ended: " + cause.getMessage());
            }
        });
        try {
            Latencies creates = new Latencies();
            OpenLoop.Result posts = OpenLoop.run(perSecond, Duration.ofNanos(Math.round(pods * 1e9 / perSecond)),
                    i -> Mono.fromCallable(() -> {
                        String name = prefix + i;
                        Pod pod = pod(name, node);
                        sentAt.put(name, Instant.now());
                        sent.put(name, System.nanoTime());
                        client.pods().inNamespace(namespace).resource(pod).create();
                        created.put(name, true);
                        return name;
                    }).subscribeOn(Schedulers.boundedElastic()), creates, CREATE_DRAIN);
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end && watchError.get() == null
                    && !runningNanos.keySet().containsAll(created.keySet())) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            Latencies startup = new Latencies();
            for (String name : created.keySet()) {
                Long at = runningNanos.get(name);
                if (at == null) {
                    startup.recordLost();
                } else {
                    startup.record(at - sent.get(name));
                }
            }
            return new Result(startup, creates, posts, Map.copyOf(sentAt), Map.copyOf(running),
                    Map.copyOf(runningAt), watchError.get());
        } finally {
            watch.close();
        }
    }

    /** The pod of the benchmark: the host image sleeping, a 1 s grace period. */
    static Pod pod(String name, String node) {
        return new PodBuilder().withNewMetadata().withName(name).withLabels(Map.of("app", "bench-startup"))
                .endMetadata()
                .withNewSpec().withNodeName(node).withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("app").withImage("host").withCommand(List.of("sleep", "3600"))
                .endContainer()
                .endSpec().build();
    }

    /** A namespace with its {@code default} ServiceAccount, whose token pods mount (no controller creates it yet). */
    static void namespace(KubernetesClient client, String name) {
        try {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        try {
            client.serviceAccounts().inNamespace(name).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName("default").endMetadata().build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /**
     * Deletes every pod of the namespace with grace period 0 and waits until the API holds none; returns how many
     * are left at the deadline.
     */
    static int deleteAll(KubernetesClient client, String namespace, Duration deadline) {
        for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
            try {
                client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).withGracePeriod(0)
                        .delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
        long end = System.nanoTime() + deadline.toNanos();
        int left = client.pods().inNamespace(namespace).list().getItems().size();
        while (left > 0 && System.nanoTime() < end) {
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
            left = client.pods().inNamespace(namespace).list().getItems().size();
        }
        return left;
    }
}
