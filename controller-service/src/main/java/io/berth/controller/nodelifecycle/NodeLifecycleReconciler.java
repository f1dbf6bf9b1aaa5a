package io.berth.controller.nodelifecycle;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.Keys;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.Result;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One node's health, taints and evictions, synced by node name (Kubernetes' {@code monitorNodeHealth} for one node,
 * {@code processTaintBaseEviction}, {@code doNoScheduleTaintingPass} and the taint eviction controller's work for the
 * pods bound to it): <ol>
 * <li>a node the controller has seen no heartbeat from for the grace period gets its kubelet conditions set to
 *     Unknown ({@code NodeNotReady} event when it was Ready);</li>
 * <li>its taints are made to mirror its conditions, the NoExecute one through the {@link EvictionRateLimiter};</li>
 * <li>while its Ready condition is Unknown, its pods are marked not ready;</li>
 * <li>pods that do not tolerate its NoExecute taints are deleted, at once or when their toleration runs out.</li>
 * </ol>
 * The key {@link #ALL_NODES} enqueues every node again every {@code monitorPeriod}: heartbeats are judged on that
 * tick, as Kubernetes' node monitor does, without an informer event per Lease renewal.
 *
 * <p>Idempotent: a second sync with nothing changed writes nothing. Thread safe: syncs of different nodes run
 * concurrently; the per-node state lives in concurrent maps whose entries only the node's own sync touches.
 */
final class NodeLifecycleReconciler implements Reconciler {

    private static final Logger log = LoggerFactory.getLogger(NodeLifecycleReconciler.class);

    /** The tick's key: no node is called that (a node name is a DNS subdomain). */
    static final String ALL_NODES = "(all nodes)";
    /** Requeues sooner than this are rounded up, so a clock a hair behind the timer cannot spin. */
    private static final Duration MIN_REQUEUE = Duration.ofMillis(50);

    /** What the sync reads: the informers' caches. */
    interface Caches {
        Node node(String name);

        List<Node> nodes();

        /** The node's Lease in {@code kube-node-lease}, or null. */
        Lease lease(String nodeName);

        /** The pods bound to the node. */
        List<Pod> pods(String nodeName);
    }

    private final ControllerProperties.NodeLifecycle settings;
    private final Caches caches;
    private final NodeLifecycleWrites writes;
    private final Clock clock;
    private final Consumer<String> enqueue;
    private final EvictionRateLimiter limiter;
    private final Map<String, NodeHealth> health = new ConcurrentHashMap<>();
    /** Per node: when the controller first saw each NoExecute taint that carries no timeAdded. */
    private final Map<String, Map<String, Instant>> taintsFirstSeen = new ConcurrentHashMap<>();
    /** Per node: the pods whose eviction is scheduled for later (to report a cancellation). */
    private final Map<String, Set<String>> scheduledEvictions = new ConcurrentHashMap<>();

    NodeLifecycleReconciler(ControllerProperties.NodeLifecycle settings, Caches caches, NodeLifecycleWrites writes,
                            Clock clock, Consumer<String> enqueue) {
        this.settings = settings;
        this.caches = caches;
        this.writes = writes;
        this.clock = clock;
        this.enqueue = enqueue;
        this.limiter = new EvictionRateLimiter(settings.evictionRate());
    }

    @Override
    public Result reconcile(String key) {
        if (ALL_NODES.equals(key)) {
            for (Node node : caches.nodes()) {
                enqueue.accept(node.getMetadata().getName());
            }
            return Result.requeueAfter(settings.monitorPeriod());
        }
        Instant now = clock.instant();
        Node node = caches.node(key);
        if (node == null) {
            forget(key);
            return Result.done();
        }
        node = monitorHealth(node, now);
        Wake wake = new Wake();
        node = syncTaints(node, now, wake);
        List<Pod> pods = caches.pods(key);
        if ("Unknown".equals(readyStatus(node))) {
            markPodsNotReady(key, pods, now);
        }
        evict(node, pods, now, wake);
        return wake.result(now, settings.monitorPeriod());
    }

    /** Declares the kubelet gone once no heartbeat was seen for the grace period; the node as it is afterwards. */
    private Node monitorHealth(Node node, Instant now) {
        String name = node.getMetadata().getName();
        List<NodeCondition> conditions = node.getStatus() == null ? null : node.getStatus().getConditions();
        NodeCondition ready = NodeStatusPlan.condition(conditions, "Ready");
        Lease lease = caches.lease(name);
        Instant renewed = lease == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null ? null
                : lease.getSpec().getRenewTime().toInstant();
        NodeHealth observed = NodeHealth.observe(health.get(name), ready, renewed, now);
        health.put(name, observed);
        Duration grace = ready == null ? settings.startupGracePeriod() : settings.monitorGracePeriod();
        if (!observed.stale(now, grace)) {
            return node;
        }
        NodeStatusPlan.StatusChange change = NodeStatusPlan.unknown(conditions,
                node.getMetadata().getCreationTimestamp(), now);
        if (change == null) {
            return node;
        }
        Node updated = writes.updateNodeStatus(new NodeBuilder(node).editOrNewStatus()
                .withConditions(change.conditions()).endStatus().build());
        log.info("node {}: no heartbeat seen since {}: its conditions are now Unknown", name,
                observed.probeTimestamp());
        if (change.becameNotReady()) {
            writes.event(node, "Normal", "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
        }
        // the Ready condition just written is the controller's, not a heartbeat: remember it without moving the probe
        NodeCondition written = NodeStatusPlan.condition(change.conditions(), "Ready");
        health.put(name, new NodeHealth(observed.probeTimestamp(), written.getLastHeartbeatTime(), true,
                observed.leaseRenewTime()));
        return updated != null ? updated : node;
    }

    private Node syncTaints(Node node, Instant now, Wake wake) {
        String name = node.getMetadata().getName();
        NodeTaints.Plan plan = NodeTaints.plan(node, now);
        List<Taint> taints = plan.taints();
        boolean admitted = false;
        if (plan.noExecute() == null) {
            limiter.release(name);
        } else {
            Instant turn = limiter.turn(name, now);
            if (turn != null && !turn.isAfter(now)) {
                taints = plan.admitted();
                admitted = true;
            } else {
                wake.at(turn);
            }
        }
        List<Taint> current = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints();
        if (taints.equals(current)) {
            return node;
        }
        Node updated = writes.updateNode(new NodeBuilder(node).editOrNewSpec().withTaints(taints).endSpec().build());
        if (admitted) {
            log.info("node {} is {}: tainted {}:NoExecute", name, readyStatus(node), plan.noExecute().getKey());
            limiter.release(name);
        }
        return updated != null ? updated : node;
    }

    private void markPodsNotReady(String nodeName, List<Pod> pods, Instant now) {
        for (NodeStatusPlan.PodReadiness change : NodeStatusPlan.podsNotReady(nodeName, pods, now)) {
            if (writes.patchPodConditions(change.pod(), List.of(change.ready()))) {
                writes.event(change.pod(), "Warning", "NodeNotReady", "Node is not ready");
            }
        }
    }

    private void evict(Node node, List<Pod> pods, Instant now, Wake wake) {
        String name = node.getMetadata().getName();
        List<Taint> noExecute = NodeTaints.noExecute(node);
        Function<Taint, Instant> addedAt = addedAt(name, noExecute, now);
        Set<String> wasScheduled = scheduledEvictions.getOrDefault(name, Set.of());
        Set<String> scheduled = new HashSet<>();
        for (Pod pod : pods) {
            if (pod.getMetadata().getDeletionTimestamp() != null || pod.getSpec() == null
                    || !name.equals(pod.getSpec().getNodeName())) {
                continue;
            }
            String podKey = Keys.of(pod);
            TaintEviction.Eviction eviction = noExecute.isEmpty() ? TaintEviction.Eviction.NEVER
                    : TaintEviction.evaluate(noExecute, pod.getSpec().getTolerations(), addedAt);
            if (eviction.due(now)) {
                delete(pod, podKey, now);
            } else if (eviction.never()) {
                if (wasScheduled.contains(podKey)) {
                    writes.event(pod, "Normal", "TaintManagerEviction", "Cancelling deletion of Pod " + podKey);
                }
            } else {
                scheduled.add(podKey);
                wake.at(eviction.at());
            }
        }
        if (scheduled.isEmpty()) {
            scheduledEvictions.remove(name);
        } else {
            scheduledEvictions.put(name, scheduled);
        }
    }

    private void delete(Pod pod, String podKey, Instant now) {
        writes.event(pod, "Normal", "TaintManagerEviction", "Marking for deletion Pod " + podKey);
        // Kubernetes marks why the pod goes before deleting it, so its owner can tell an eviction from a failure
        PodCondition disruption = new PodConditionBuilder().withType("DisruptionTarget").withStatus("True")
                .withReason("DeletionByTaintManager").withMessage("Taint manager: deleting due to NoExecute taint")
                .withLastTransitionTime(Times.format(now)).build();
        if (writes.patchPodConditions(pod, List.of(disruption))) {
            writes.deletePod(pod);
        }
    }

    /**
     * When each taint was added: its {@code timeAdded}, or else when this controller first saw it (a taint someone
     * added without one still gets its tolerations' full period).
     */
    private Function<Taint, Instant> addedAt(String nodeName, List<Taint> noExecute, Instant now) {
        Map<String, Instant> firstSeen = new HashMap<>(taintsFirstSeen.getOrDefault(nodeName, Map.of()));
        Set<String> untimed = new HashSet<>();
        for (Taint t : noExecute) {
            if (Times.parse(t.getTimeAdded()) == null) {
                untimed.add(id(t));
                firstSeen.putIfAbsent(id(t), now);
            }
        }
        firstSeen.keySet().retainAll(untimed);
        if (firstSeen.isEmpty()) {
            taintsFirstSeen.remove(nodeName);
        } else {
            taintsFirstSeen.put(nodeName, firstSeen);
        }
        return t -> {
            Instant added = Times.parse(t.getTimeAdded());
            return added != null ? added : firstSeen.getOrDefault(id(t), now);
        };
    }

    private static String id(Taint t) {
        return t.getKey() + "=" + t.getValue() + ":" + t.getEffect();
    }

    private void forget(String nodeName) {
        health.remove(nodeName);
        limiter.release(nodeName);
        taintsFirstSeen.remove(nodeName);
        scheduledEvictions.remove(nodeName);
    }

    private static String readyStatus(Node node) {
        NodeCondition ready = NodeStatusPlan.condition(
                node.getStatus() == null ? null : node.getStatus().getConditions(), "Ready");
        return ready == null ? null : ready.getStatus();
    }

    /**
     * The earliest time a sync must run again (a rate-limiter turn, an eviction deadline). Only one before the next
     * tick is requeued: the tick covers the rest, and the workqueue's timers are not deduplicated.
     */
    private static final class Wake {
        private Instant earliest;

        void at(Instant instant) {
            if (instant != null && (earliest == null || instant.isBefore(earliest))) {
                earliest = instant;
            }
        }

        Result result(Instant now, Duration period) {
            if (earliest == null) {
                return Result.done();
            }
            Duration delay = Duration.between(now, earliest);
            if (delay.compareTo(period) >= 0) {
                return Result.done();
            }
            return Result.requeueAfter(delay.compareTo(MIN_REQUEUE) < 0 ? MIN_REQUEUE : delay);
        }
    }
}
