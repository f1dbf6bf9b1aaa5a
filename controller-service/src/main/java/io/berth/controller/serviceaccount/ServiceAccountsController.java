package io.berth.controller.serviceaccount;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ConfiguredController;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.springframework.stereotype.Component;

/**
 * Kubernetes' service account controller ({@code pkg/controller/serviceaccount/serviceaccounts_controller.go}):
 * every active namespace has a ServiceAccount {@code default}, created when the namespace appears and again whenever
 * it is deleted. Workqueue keys are namespace names.
 */
@Component
public final class ServiceAccountsController extends ConfiguredController {

    static final String NAME = "serviceaccount";

    public ServiceAccountsController(ControllerProperties props) {
        super(NAME, props, 1);
    }

    @Override
    public Reconciler setUp(ControllerContext context, WorkQueue queue) {
        context.informers().get(Namespace.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                queue.add(ns.getMetadata().getName());
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
                queue.add(ns.getMetadata().getName());
            }

            @Override
            public void onDelete(Namespace ns, boolean finalStateUnknown) {
            }
        });
        context.informers().get(ServiceAccount.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ServiceAccount sa) {
            }

            @Override
            public void onUpdate(ServiceAccount old, ServiceAccount sa) {
            }

            @Override
            public void onDelete(ServiceAccount sa, boolean finalStateUnknown) {
                // a deleted default service account comes back; the namespace's sync checks them all
                queue.add(sa.getMetadata().getNamespace());
            }
        });
        return new ServiceAccountsReconciler(context.informers().lister(Namespace.class),
                context.informers().lister(ServiceAccount.class),
                ServiceAccountsReconciler.Client.over(context.client()));
    }
}
