package io.berth.node.simulate;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * The simulated kubelets' pod work: one informer on every pod (the simulator may list and watch them all; it keeps
 * those bound to its nodes), handlers that only enqueue {@code namespace/name}, and a few workers that run
 * {@link PodStatusPlan} for a key and apply its step: a merge patch of {@code pods/<name>/status}, or the final
 * {@code DELETE} with grace period 0 and a uid precondition.
 *
 * <p>One key is never worked on twice at once ({@link KeyQueue}). After a status write the simulator remembers the
 * resourceVersion it wrote from, and does not plan from that same version again: the cache has not seen the write
 * yet, so planning from it would write the same transition twice.
 *
 * <p>Lifecycle: {@link #start} once, then {@link #close}. Thread safe.
 */
final class PodSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PodSimulator.class);
    /** Each worker waits for its write; 16 keep a few hundred pod transitions a second moving at tens of ms each. */
    private static final int WORKERS = 16;
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** What the simulator remembers of one pod; {@code uid} tells a pod from a new one of the same name. */
    private static final class PodRecord {
        final String uid;
        final int node;
        final Instant boundSeen;
        final String ip;
        volatile Instant startedAt;
        volatile String writtenFrom;

        PodRecord(String uid, int node, Instant boundSeen, String ip) {
            this.uid = uid;
            this.node = node;
            this.boundSeen = boundSeen;
            this.ip = ip;
        }
    }

    private final KubernetesClient client;
    private final AsyncApi api;
    private final Map<String, Integer> nodeIndex;
    private final String hostIP;
    private final PodStatusPlan.Settings settings;
    private final SimulatorMetrics metrics;
    private final Clock clock;
    private final KeyQueue queue;
    private final PodIps ips;
    private final Map<String, PodRecord> records = new ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private SharedIndexInformer<Pod> informer;

    PodSimulator(KubernetesClient client, AsyncApi api, Map<String, Integer> nodeIndex, String hostIP,
                 PodStatusPlan.Settings settings, SimulatorMetrics metrics, Clock clock,
                 ScheduledExecutorService scheduler) {
        this.client = client;
        this.api = api;
        this.nodeIndex = Map.copyOf(nodeIndex);
        this.hostIP = hostIP;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.queue = new KeyQueue(scheduler);
        this.ips = new PodIps(nodeIndex.size());
    }

    /** Starts the informer and the workers; the future completes when the informer's first list is in. */
    synchronized CompletableFuture<Void> start() {
        if (informer != null) {
            throw new IllegalStateException("already started");
        }
        informer = client.pods().inAnyNamespace().runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                enqueue(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                enqueue(newPod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                enqueue(pod);
            }
        });
        for (int i = 0; i < WORKERS; i++) {
            Thread worker = new Thread(this::work, "berth-sim-pods-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        return informer.start().toCompletableFuture();
    }

    private void enqueue(Pod pod) {
        // an unbound pod has no node name, and Map.copyOf's maps refuse a null key
        if (pod.getSpec() != null && pod.getSpec().getNodeName() != null
                && nodeIndex.containsKey(pod.getSpec().getNodeName())) {
            queue.add(Cache.metaNamespaceKeyFunc(pod));
        }
    }

    private void work() {
        try {
            String key;
            while ((key = queue.take()) != null) {
                try {
                    sync(key);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException | TimeoutException e) {
                    log.warn("pod {}: {}", key, e.toString());
                    queue.addAfter(key, RETRY);
                } finally {
                    queue.done(key);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Plans and applies one step for one pod; level-triggered, so any later event or delay simply plans again. */
    void sync(String key) throws InterruptedException, TimeoutException {
        Pod pod = informer.getIndexer().getByKey(key);
        Integer node = pod == null || pod.getSpec() == null ? null : nodeIndex.get(pod.getSpec().getNodeName());
        if (node == null) {
            forget(key);
            return;
        }
        String uid = pod.getMetadata().getUid();
        PodRecord record = records.get(key);
        if (record != null && !record.uid.equals(uid)) {
            forget(key);
            record = null;
        }
        if (record == null) {
            String ip = ips.allocate(node, pod.getStatus() == null ? null : pod.getStatus().getPodIP());
            record = new PodRecord(uid, node, clock.instant(), ip);
            records.put(key, record);
        }
        if (record.ip == null) {
            log.warn("pod {}: node {} has no free pod address (254 at most)", key, node);
            queue.addAfter(key, Duration.ofSeconds(10));
            return;
        }
        if (pod.getMetadata().getResourceVersion().equals(record.writtenFrom)) {
            queue.addAfter(key, RETRY);  // our last write has not reached the cache; its event will bring it
            return;
        }
        PodStatusPlan.Observed observed = new PodStatusPlan.Observed(clock.instant(), record.boundSeen,
                record.startedAt, hostIP, record.ip, new SplittableRandom(uid.hashCode()).nextDouble());
        PodStatusPlan.Step step = PodStatusPlan.plan(pod, observed, settings);
        String path = "/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/" + pod.getMetadata().getName();
        if (step instanceof PodStatusPlan.Wait wait) {
            queue.addAfter(key, wait.after());
        } else if (step instanceof PodStatusPlan.WriteStatus write) {
            AsyncApi.Response r = api.call("PATCH", path + "/status", AsyncApi.MERGE_PATCH,
                    api.json(Map.of("status", write.status())));
            metrics.podWrite(r.ok());
            if (r.ok()) {
                record.startedAt = write.startedAt();
                String written = api.read(r, Pod.class).getMetadata().getResourceVersion();
                // a write that changed nothing keeps the version, and no event will come for it
                record.writtenFrom = written.equals(pod.getMetadata().getResourceVersion()) ? null
                        : pod.getMetadata().getResourceVersion();
                if (write.recheckAfter() != null) {
                    queue.addAfter(key, write.recheckAfter());
                }
            } else if (r.code() != 404) {
                log.warn("pod {}: status write answered {}", key, r.code());
                queue.addAfter(key, RETRY);
            }
        } else if (step instanceof PodStatusPlan.Delete delete) {
            String options = api.json(new DeleteOptionsBuilder().withApiVersion("v1").withKind("DeleteOptions")
                    .withGracePeriodSeconds(0L).withNewPreconditions().withUid(delete.uid()).endPreconditions()
                    .build());
            AsyncApi.Response r = api.call("DELETE", path, AsyncApi.JSON, options);
            metrics.podWrite(r.ok() || r.code() == 404);
            // 404: already gone; 409: the uid differs, a new pod of that name, which its own events bring
            if (!r.ok() && r.code() != 404 && r.code() != 409) {
                log.warn("pod {}: delete answered {}", key, r.code());
                queue.addAfter(key, RETRY);
            }
        }
    }

    private void forget(String key) {
        PodRecord record = records.remove(key);
        if (record != null && record.ip != null) {
            ips.release(record.node, record.ip);
        }
    }

    /** Pods this simulator is looking after (bound to its nodes and not yet gone). */
    int pods() {
        return records.size();
    }

    @Override
    public synchronized void close() {
        if (informer != null) {
            informer.stop();
        }
        queue.shutDown();
        workers.forEach(Thread::interrupt);
    }
}
