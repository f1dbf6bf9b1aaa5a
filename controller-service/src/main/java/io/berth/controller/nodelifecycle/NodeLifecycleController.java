package io.berth.controller.nodelifecycle;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ConfiguredController;
import io.berth.controller.runtime.Handlers;
import io.berth.controller.runtime.Informers;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Objects;

/**
 * Kubernetes' node lifecycle controller with its taint eviction: nodes whose kubelet stopped heartbeating turn
 * Unknown, unhealthy nodes are tainted, and pods that do not tolerate a node's NoExecute taints are evicted. Syncs
 * by node name (see {@link NodeLifecycleReconciler}); watches Nodes, node Leases (read on each tick) and Pods (indexed
 * by {@code spec.nodeName}).
 */
@Component
public class NodeLifecycleController extends ConfiguredController {

    static final String NAME = "nodelifecycle";
    /** Kubernetes' name for the index of pods by the node they are bound to; other controllers may share it. */
    public static final String POD_NODE_INDEX = "spec.nodeName";
    static final String LEASE_NAMESPACE = "kube-node-lease";

    private final ControllerProperties properties;

    public NodeLifecycleController(ControllerProperties properties) {
        super(NAME, properties, 4);
        this.properties = properties;
    }

    @Override
    public Reconciler setUp(ControllerContext context, WorkQueue queue) {
        Informers informers = context.informers();
        informers.get(Node.class).addEventHandler(Handlers.enqueue(queue));
        informers.index(Pod.class, POD_NODE_INDEX, NodeLifecycleController::boundNode);
        informers.get(Pod.class).addEventHandler(podHandler(queue));
        Lister<Node> nodes = informers.lister(Node.class);
        Lister<Lease> leases = informers.lister(Lease.class).namespace(LEASE_NAMESPACE);
        Indexer<Pod> pods = informers.get(Pod.class).getIndexer();
        NodeLifecycleReconciler.Caches caches = new NodeLifecycleReconciler.Caches() {
            @Override
            public Node node(String name) {
                return nodes.get(name);
            }

            @Override
            public List<Node> nodes() {
                return nodes.list();
            }

            @Override
            public Lease lease(String nodeName) {
                return leases.get(nodeName);
            }

            @Override
            public List<Pod> pods(String nodeName) {
                return pods.byIndex(POD_NODE_INDEX, nodeName);
            }
        };
        // the tick: its first sync, once the caches are synced, enqueues every node, then again every period
        queue.add(NodeLifecycleReconciler.ALL_NODES);
        return new NodeLifecycleReconciler(properties.nodeLifecycle(), caches,
                NodeLifecycleWrites.of(context.client(), context.events()), context.clock(), queue::add);
    }

    static List<String> boundNode(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return node == null || node.isEmpty() ? List.of() : List.of(node);
    }

    /**
     * Enqueues a pod's node when what eviction depends on changes: the pod is bound or its tolerations change.
     * Status updates (the bulk of pod events) are left to the tick.
     */
    private static ResourceEventHandler<Pod> podHandler(WorkQueue queue) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                boundNode(pod).forEach(queue::add);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                if (!boundNode(old).equals(boundNode(pod))
                        || !Objects.equals(old.getSpec().getTolerations(), pod.getSpec().getTolerations())) {
                    boundNode(pod).forEach(queue::add);
                }
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                // nothing to do for a pod that is gone; its node's next sync no longer sees it
            }
        };
    }
}
