package io.berth.controller.endpointslice;

import io.berth.controller.endpoints.ApiErrors;
import io.berth.controller.endpoints.PodEndpoints;
import io.berth.controller.endpoints.TriggerTimeTracker;
import io.berth.controller.endpointslice.EndpointSlicePlan.Changes;
import io.berth.controller.runtime.Keys;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.Result;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.informers.cache.Lister;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The EndpointSlice controller's sync of one Service key (Kubernetes' {@code syncService}): reads the Service, its
 * pods, the nodes and its slices from the caches, refuses to act on a cache that has not seen its own last writes,
 * asks {@link EndpointSlicePlan} what to write and writes it through {@link EndpointSliceApi}. A failure records a
 * {@code FailedToUpdateEndpointSlices} event on the Service and is thrown, so the key is retried with back-off.
 * Slices of a deleted Service are left to the garbage collector (they are owned by it). Idempotent; called
 * concurrently for different keys only.
 */
final class EndpointSliceReconciler implements Reconciler {

    /** Index of the slices this controller manages, by their Service's key. */
    static final String BY_SERVICE = "endpointslice-controller/service";

    private final Lister<Service> services;
    private final Lister<Pod> pods;
    private final Lister<Node> nodes;
    private final Indexer<EndpointSlice> slices;
    private final EndpointSliceApi api;
    private final EndpointSliceTracker tracker;
    private final int maxEndpointsPerSlice;
    private final TriggerTimeTracker triggerTimes = new TriggerTimeTracker();

    EndpointSliceReconciler(Lister<Service> services, Lister<Pod> pods, Lister<Node> nodes,
                            Indexer<EndpointSlice> slices, EndpointSliceApi api, EndpointSliceTracker tracker,
                            int maxEndpointsPerSlice) {
        this.services = services;
        this.pods = pods;
        this.nodes = nodes;
        this.slices = slices;
        this.api = api;
        this.tracker = tracker;
        this.maxEndpointsPerSlice = maxEndpointsPerSlice;
    }

    /** The index function: a managed slice's Service key, none for other slices. */
    static List<String> serviceIndex(EndpointSlice slice) {
        if (!EndpointSliceController.managed(slice)) {
            return List.of();
        }
        String key = EndpointSliceTracker.serviceKey(slice);
        return key == null ? List.of() : List.of(key);
    }

    @Override
    public Result reconcile(String key) {
        String namespace = Keys.namespace(key);
        Service service = services.namespace(namespace).get(Keys.name(key));
        if (service == null) {
            triggerTimes.delete(key);
            tracker.deleteService(key);
            return Result.done();
        }
        if (PodEndpoints.isExternalName(service) || !PodEndpoints.hasSelector(service)) {
            return Result.done();
        }
        List<Pod> selected = pods.namespace(namespace).list().stream()
                .filter(p -> PodEndpoints.selects(service, p.getMetadata().getLabels())).toList();
        List<EndpointSlice> existing = slices.byIndex(BY_SERVICE, key).stream()
                .filter(s -> s.getMetadata().getDeletionTimestamp() == null).toList();
        if (tracker.stale(service, existing)) {
            throw new IllegalStateException("EndpointSlice informer cache is out of date");
        }
        Instant triggerTime = triggerTimes.compute(key, service, selected);
        Changes changes = EndpointSlicePlan.plan(service, selected, nodes::get, existing, maxEndpointsPerSlice,
                triggerTime);
        List<String> errors = new ArrayList<>(changes.errors());
        if (!apply(key, changes, errors)) {
            return Result.done();
        }
        if (!errors.isEmpty()) {
            String message = errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
            api.warning(service, "FailedToUpdateEndpointSlices", "Error updating Endpoint Slices for Service " + key
                    + ": " + message);
            throw new IllegalStateException(message);
        }
        return Result.done();
    }

    /**
     * Creates, updates, then deletes, stopping at the first failure (added to {@code errors}).
     *
     * @return false when the namespace is being deleted: creations will keep failing, so the key is dropped
     */
    private boolean apply(String key, Changes changes, List<String> errors) {
        for (EndpointSlice s : changes.create()) {
            try {
                tracker.written(api.create(s));
            } catch (KubernetesClientException e) {
                if (ApiErrors.namespaceTerminating(e)) {
                    return false;
                }
                errors.add("failed to create EndpointSlice for Service " + key + ": " + ApiErrors.describe(e));
                return true;
            }
        }
        for (EndpointSlice s : changes.update()) {
            try {
                tracker.written(api.update(s));
            } catch (KubernetesClientException e) {
                errors.add("failed to update " + s.getMetadata().getName() + " EndpointSlice for Service " + key
                        + ": " + ApiErrors.describe(e));
                return true;
            }
        }
        for (EndpointSlice s : changes.delete()) {
            try {
                api.delete(s);
                tracker.expectDeletion(s);
            } catch (KubernetesClientException e) {
                errors.add("failed to delete " + s.getMetadata().getName() + " EndpointSlice for Service " + key
                        + ": " + ApiErrors.describe(e));
                return true;
            }
        }
        return true;
    }
}
