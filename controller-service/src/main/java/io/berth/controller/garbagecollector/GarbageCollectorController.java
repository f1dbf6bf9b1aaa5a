package io.berth.controller.garbagecollector;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ConfiguredController;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.springframework.stereotype.Component;

import java.util.Set;

/**
 * Kubernetes' garbage collector ({@code garbagecollector}): deletes objects whose owners are gone (background
 * propagation), deletes the dependents of an owner deleted in the foreground before letting it go, and removes the
 * references to an owner deleted with {@code propagationPolicy: Orphan} from its dependents. The graph of owner
 * references is built from the shared informers of every listable kind but Events; work items are uids.
 */
@Component
public class GarbageCollectorController extends ConfiguredController {

    static final String NAME = "garbagecollector";
    /**
     * Kubernetes runs 20 ({@code --concurrent-gc-syncs}) on many-core control planes. A sync here is one API round
     * trip at most (healthy objects cost none), so the workers mostly wait on the API: 4 keep a cascade of deletions
     * flowing without taking the 2 cores that the api-service, etcd and the other controllers share.
     */
    static final int DEFAULT_WORKERS = 4;

    private final Kinds kinds = new Kinds(ResourceRegistry.builtIn());

    public GarbageCollectorController(ControllerProperties props) {
        super(NAME, props, DEFAULT_WORKERS);
    }

    @Override
    public Reconciler setUp(ControllerContext context, WorkQueue queue) {
        DependencyGraph graph = new DependencyGraph();
        for (ResourceType type : kinds.monitored()) {
            monitor(context, type.type(), type, graph, queue);
        }
        return new GarbageCollector(graph, kinds,
                new ApiGarbageCollectorClient(context.client(), context.api(), context.events()), queue);
    }

    private static <T extends HasMetadata> void monitor(ControllerContext context, Class<T> cls, ResourceType type,
                                                        DependencyGraph graph, WorkQueue queue) {
        context.informers().get(cls).addEventHandler(handler(type, graph, queue));
    }

    /** Updates the graph and enqueues what the change calls for; never blocks beyond the graph's brief lock. */
    static <T extends HasMetadata> ResourceEventHandler<T> handler(ResourceType type, DependencyGraph graph,
                                                                  WorkQueue queue) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                enqueue(graph.observe(type, obj));
            }

            @Override
            public void onUpdate(T old, T obj) {
                enqueue(graph.observe(type, obj));
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                enqueue(graph.forget(obj));
            }

            private void enqueue(Set<String> uids) {
                uids.forEach(queue::add);
            }
        };
    }
}
