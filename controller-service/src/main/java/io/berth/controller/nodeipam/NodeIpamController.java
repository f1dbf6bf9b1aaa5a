package io.berth.controller.nodeipam;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ConfiguredController;
import io.berth.controller.runtime.Keys;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import org.springframework.stereotype.Component;

import java.util.Objects;

/**
 * Kubernetes' node IPAM controller with the range allocator: every node gets a block of
 * {@code berth.controller.node-ipam.cluster-cidr} as its pod CIDR (see {@link NodeIpamReconciler}). Watches Nodes.
 */
@Component
public class NodeIpamController extends ConfiguredController {

    static final String NAME = "nodeipam";

    private final ControllerProperties properties;

    public NodeIpamController(ControllerProperties properties) {
        super(NAME, properties, 4);
        this.properties = properties;
        // a wrong setting fails the start, not the first allocation
        new RangeAllocator(properties.nodeIpam().clusterCidr(), properties.nodeIpam().nodeMaskSize());
    }

    @Override
    public Reconciler setUp(ControllerContext context, WorkQueue queue) {
        context.informers().get(Node.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                queue.add(Keys.of(node));
            }

            @Override
            public void onUpdate(Node old, Node node) {
                // heartbeats update Nodes all the time: only a node still without a CIDR, or whose CIDR changed, counts
                String cidr = NodeIpamReconciler.podCidr(node);
                if (cidr == null || !Objects.equals(NodeIpamReconciler.podCidr(old), cidr)) {
                    queue.add(Keys.of(node));
                }
            }

            @Override
            public void onDelete(Node node, boolean deletedFinalStateUnknown) {
                queue.add(Keys.of(node));
            }
        });
        Lister<Node> nodes = context.informers().lister(Node.class);
        // a fresh allocator per leadership term: the caches of the term are the truth, not a past term's reservations
        RangeAllocator allocator = new RangeAllocator(properties.nodeIpam().clusterCidr(),
                properties.nodeIpam().nodeMaskSize());
        return new NodeIpamReconciler(allocator, nodes::get, nodes::list,
                NodeIpamWrites.of(context.client(), context.events()), queue::add);
    }
}
