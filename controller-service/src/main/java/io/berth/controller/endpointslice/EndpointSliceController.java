package io.berth.controller.endpointslice;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.endpoints.ServiceMembership;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ConfiguredController;
import io.berth.controller.runtime.EventRecorder;
import io.berth.controller.runtime.Handlers;
import io.berth.controller.runtime.Informers;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Kubernetes' EndpointSlice controller ({@code pkg/controller/endpointslice}, {@code k8s.io/endpointslice}): keeps the
 * {@code discovery.k8s.io/v1} IPv4 EndpointSlices of every Service with a selector, at most
 * {@code berth.controller.endpoint-slice.max-endpoints-per-slice} endpoints each, owned by the Service (so the garbage
 * collector deletes them with it).
 *
 * <p>Informers: Services, Pods, Nodes (zones), EndpointSlices with an index by Service. Handlers: a Service's add,
 * update and delete queue its key; a pod's queue the Services its old or new labels match; a change of a managed
 * slice that this controller did not write queues its Service a second later (Kubernetes'
 * {@code endpointSliceChangeMinSyncDelay}), so a user's edit or deletion is reverted.
 */
@Component
public final class EndpointSliceController extends ConfiguredController {

    public static final String NAME = "endpointslice";
    /** Kubernetes' {@code --concurrent-service-endpoint-syncs}. */
    static final int DEFAULT_WORKERS = 5;
    /** Batches the syncs that slice events cause, as Kubernetes does. */
    static final Duration SLICE_CHANGE_DELAY = Duration.ofSeconds(1);

    private final ControllerProperties props;

    public EndpointSliceController(ControllerProperties props) {
        super(NAME, props, DEFAULT_WORKERS);
        this.props = props;
    }

    @Override
    public Reconciler setUp(ControllerContext context, WorkQueue queue) {
        Informers informers = context.informers();
        Lister<Service> services = informers.lister(Service.class);
        informers.index(EndpointSlice.class, EndpointSliceReconciler.BY_SERVICE, EndpointSliceReconciler::serviceIndex);
        EndpointSliceTracker tracker = new EndpointSliceTracker();
        informers.get(Service.class).addEventHandler(Handlers.enqueue(queue));
        informers.get(Pod.class).addEventHandler(ServiceMembership.podHandler(services, queue::add));
        informers.get(EndpointSlice.class).addEventHandler(sliceHandler(tracker, queue));
        int max = Math.max(1, Math.min(1000, props.endpointSlice().maxEndpointsPerSlice()));
        return new EndpointSliceReconciler(services, informers.lister(Pod.class), informers.lister(Node.class),
                informers.get(EndpointSlice.class).getIndexer(),
                new ClientEndpointSliceApi(context.client(), context.events()), tracker, max);
    }

    /** Whether this controller manages the slice ({@code endpointslice.kubernetes.io/managed-by}). */
    static boolean managed(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        return labels != null
                && EndpointSlicePlan.CONTROLLER_NAME.equals(labels.get(EndpointSlicePlan.LABEL_MANAGED_BY));
    }

    static ResourceEventHandler<EndpointSlice> sliceHandler(EndpointSliceTracker tracker, WorkQueue queue) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(EndpointSlice slice) {
                if (managed(slice) && tracker.shouldSync(slice)) {
                    enqueue(slice);
                }
            }

            @Override
            public void onUpdate(EndpointSlice old, EndpointSlice slice) {
                String service = EndpointSliceTracker.serviceKey(slice);
                String oldService = EndpointSliceTracker.serviceKey(old);
                if (!Objects.equals(service, oldService)) {
                    // moved to another Service by its labels: both need a sync, and the old one must stop waiting
                    // to see it (its cache would look stale for ever)
                    tracker.handleDeletion(old);
                    enqueue(slice);
                    enqueue(old);
                    return;
                }
                if (managed(old) != managed(slice)) {
                    if (managed(old)) {
                        tracker.handleDeletion(old);
                    }
                    enqueue(slice);
                } else if (managed(slice) && tracker.shouldSync(slice)) {
                    enqueue(slice);
                }
            }

            @Override
            public void onDelete(EndpointSlice slice, boolean deletedFinalStateUnknown) {
                if (managed(slice) && !tracker.handleDeletion(slice)) {
                    enqueue(slice);
                }
            }

            private void enqueue(EndpointSlice slice) {
                String key = EndpointSliceTracker.serviceKey(slice);
                if (key != null) {
                    queue.addAfter(key, SLICE_CHANGE_DELAY);
                }
            }
        };
    }

    /** Writes through the fabric8 client; events through the recorder. */
    private record ClientEndpointSliceApi(KubernetesClient client, EventRecorder events) implements EndpointSliceApi {

        @Override
        public EndpointSlice create(EndpointSlice slice) {
            return client.discovery().v1().endpointSlices().inNamespace(slice.getMetadata().getNamespace())
                    .resource(slice).create();
        }

        @Override
        public EndpointSlice update(EndpointSlice slice) {
            return client.discovery().v1().endpointSlices().inNamespace(slice.getMetadata().getNamespace())
                    .resource(slice).update();
        }

        @Override
        public void delete(EndpointSlice slice) {
            client.discovery().v1().endpointSlices().inNamespace(slice.getMetadata().getNamespace())
                    .withName(slice.getMetadata().getName()).delete();
        }

        @Override
        public void warning(HasMetadata about, String reason, String message) {
            events.warning(about, reason, message);
        }
    }
}
