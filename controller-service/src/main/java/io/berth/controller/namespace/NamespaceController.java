package io.berth.controller.namespace;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ConfiguredController;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Kubernetes' namespace controller ({@code pkg/controller/namespace}): a namespace marked for deletion is emptied of
 * every namespaced object, then its {@code kubernetes} finalizer is removed so the api-service can remove it.
 * Workqueue keys are namespace names. Only namespaces marked for deletion are queued, each a grace period after the
 * event ({@code berth.controller.namespace-deletion.grace-period}, Kubernetes' 5 s).
 */
@Component
public final class NamespaceController extends ConfiguredController {

    static final String NAME = "namespace";

    private final ControllerProperties props;

    public NamespaceController(ControllerProperties props) {
        super(NAME, props, 10);
        this.props = props;
    }

    @Override
    public Reconciler setUp(ControllerContext context, WorkQueue queue) {
        Duration grace = props.namespaceDeletion().gracePeriod();
        context.informers().get(Namespace.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                enqueue(ns);
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
                enqueue(ns);
            }

            @Override
            public void onDelete(Namespace ns, boolean finalStateUnknown) {
            }

            private void enqueue(Namespace ns) {
                if (ns.getMetadata().getDeletionTimestamp() != null) {
                    queue.addAfter(ns.getMetadata().getName(), grace);
                }
            }
        });
        return new NamespaceReconciler(context.informers().lister(Namespace.class),
                new RestNamespaceApi(context.client()), context.events()::warning, context.clock());
    }
}
