package io.berth.controller.endpoints;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ConfiguredController;
import io.berth.controller.runtime.EventRecorder;
import io.berth.controller.runtime.Handlers;
import io.berth.controller.runtime.Informers;
import io.berth.controller.runtime.Keys;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import org.springframework.stereotype.Component;

/**
 * Kubernetes' Endpoints controller ({@code pkg/controller/endpoint}): keeps the {@code core/v1} Endpoints of every
 * Service with a selector equal to the ready and not-ready addresses of the pods it selects, and deletes them with
 * the Service. Services without a selector are left alone: their Endpoints belong to their users.
 *
 * <p>Informers: Services, Pods, Endpoints (shared). Handlers: a Service's add, update and delete queue its key; a
 * pod's queue the Services its old or new labels match; an Endpoints object's change queues its Service when there
 * is one (a user's edit is reverted), and its deletion always (it is recreated).
 */
@Component
public final class EndpointsController extends ConfiguredController {

    public static final String NAME = "endpoint";
    /** Kubernetes' {@code --concurrent-endpoint-syncs}. */
    static final int DEFAULT_WORKERS = 5;

    public EndpointsController(ControllerProperties props) {
        super(NAME, props, DEFAULT_WORKERS);
    }

    @Override
    public Reconciler setUp(ControllerContext context, WorkQueue queue) {
        Informers informers = context.informers();
        Lister<Service> services = informers.lister(Service.class);
        informers.get(Service.class).addEventHandler(Handlers.enqueue(queue));
        informers.get(Pod.class).addEventHandler(ServiceMembership.podHandler(services, queue::add));
        informers.get(Endpoints.class).addEventHandler(endpointsHandler(services, queue));
        queue.add(EndpointsReconciler.LEFTOVERS);
        return new EndpointsReconciler(services, informers.lister(Pod.class), informers.lister(Endpoints.class),
                new ClientEndpointsApi(context.client(), context.events()), queue::add);
    }

    private static ResourceEventHandler<Endpoints> endpointsHandler(Lister<Service> services, WorkQueue queue) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Endpoints e) {
                // only with a Service: Endpoints created before their selector-less Service must not be deleted
                if (services.namespace(e.getMetadata().getNamespace()).get(e.getMetadata().getName()) != null) {
                    queue.add(Keys.of(e));
                }
            }

            @Override
            public void onUpdate(Endpoints old, Endpoints e) {
                onAdd(e);
            }

            @Override
            public void onDelete(Endpoints e, boolean deletedFinalStateUnknown) {
                queue.add(Keys.of(e));
            }
        };
    }

    /** Writes through the fabric8 client; events through the recorder. */
    private record ClientEndpointsApi(KubernetesClient client, EventRecorder events) implements EndpointsApi {

        @Override
        public Endpoints create(Endpoints endpoints) {
            return client.endpoints().inNamespace(endpoints.getMetadata().getNamespace()).resource(endpoints)
                    .create();
        }

        @Override
        public Endpoints update(Endpoints endpoints) {
            return client.endpoints().inNamespace(endpoints.getMetadata().getNamespace()).resource(endpoints)
                    .update();
        }

        @Override
        public void delete(String namespace, String name) {
            client.endpoints().inNamespace(namespace).withName(name).delete();
        }

        @Override
        public void warning(HasMetadata about, String reason, String message) {
            events.warning(about, reason, message);
        }
    }
}
