package io.berth.controller.endpoints;

import io.berth.controller.endpoints.EndpointsPlan.Action;
import io.berth.controller.endpoints.EndpointsPlan.Create;
import io.berth.controller.endpoints.EndpointsPlan.Delete;
import io.berth.controller.endpoints.EndpointsPlan.Update;
import io.berth.controller.runtime.Keys;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.Result;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The Endpoints controller's sync of one Service key: reads the Service, its pods and its Endpoints from the caches,
 * asks {@link EndpointsPlan} what to write and writes it through {@link EndpointsApi}. Idempotent; called
 * concurrently for different keys only (its trackers are per key).
 *
 * <p>One more key, {@link #LEFTOVERS}, queued once per leadership term, looks for Endpoints whose Service is gone
 * (deleted while no controller ran), as Kubernetes' {@code checkLeftoverEndpoints} does after its caches sync.
 */
final class EndpointsReconciler implements Reconciler {

    /** Not a valid object key ({@code #} is not allowed in names), so it never collides with a Service's. */
    static final String LEFTOVERS = "#leftover-endpoints";
    /** Endpoints used as a leader-election lock by older components: they have no Service and must stay. */
    static final String LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";

    private final Lister<Service> services;
    private final Lister<Pod> pods;
    private final Lister<Endpoints> endpoints;
    private final EndpointsApi api;
    private final Consumer<String> enqueue;
    private final TriggerTimeTracker triggerTimes = new TriggerTimeTracker();
    /**
     * The resourceVersion each key's Endpoints had before this controller replaced them: seeing it again in the
     * cache means the cache has not caught up with the write, and a sync from it would fail with a conflict
     * (Kubernetes' {@code staleEndpointsTracker}).
     */
    private final Map<String, String> replaced = new ConcurrentHashMap<>();

    EndpointsReconciler(Lister<Service> services, Lister<Pod> pods, Lister<Endpoints> endpoints, EndpointsApi api,
                        Consumer<String> enqueue) {
        this.services = services;
        this.pods = pods;
        this.endpoints = endpoints;
        this.api = api;
        this.enqueue = enqueue;
    }

    @Override
    public Result reconcile(String key) {
        if (LEFTOVERS.equals(key)) {
            enqueueLeftovers();
            return Result.done();
        }
        String namespace = Keys.namespace(key);
        String name = Keys.name(key);
        Service service = services.namespace(namespace).get(name);
        Endpoints current = endpoints.namespace(namespace).get(name);
        if (service == null) {
            triggerTimes.delete(key);
            replaced.remove(key);
        } else if (current != null && Objects.equals(replaced.get(key), current.getMetadata().getResourceVersion())) {
            throw new IllegalStateException("endpoints informer cache is out of date: resource version "
                    + current.getMetadata().getResourceVersion() + " already replaced for endpoints " + key);
        }
        List<Pod> selected = List.of();
        Instant triggerTime = null;
        if (service != null && PodEndpoints.hasSelector(service) && !PodEndpoints.isExternalName(service)) {
            selected = pods.namespace(namespace).list().stream()
                    .filter(p -> PodEndpoints.selects(service, p.getMetadata().getLabels())).toList();
            // computed on every sync, not only on writes, so the next write's time counts from this one
            triggerTime = triggerTimes.compute(key, service, selected);
        }
        apply(key, EndpointsPlan.plan(namespace, name, service, selected, current, triggerTime), current);
        return Result.done();
    }

    private void apply(String key, Action action, Endpoints current) {
        if (action instanceof Delete d) {
            api.delete(d.namespace(), d.name());
        } else if (action instanceof Create c) {
            try {
                api.create(c.endpoints());
            } catch (KubernetesClientException e) {
                if (e.getCode() == 403 && ApiErrors.namespaceTerminating(e)) {
                    return;
                }
                api.warning(c.endpoints(), "FailedToCreateEndpoint", "Failed to create endpoint for service "
                        + key + ": " + ApiErrors.describe(e));
                throw e;
            }
        } else if (action instanceof Update u) {
            Endpoints updated;
            try {
                updated = api.update(u.endpoints());
            } catch (KubernetesClientException e) {
                api.warning(u.endpoints(), "FailedToUpdateEndpoint", "Failed to update endpoint " + key + ": "
                        + ApiErrors.describe(e));
                throw e;
            }
            String before = current.getMetadata().getResourceVersion();
            if (updated != null && !Objects.equals(updated.getMetadata().getResourceVersion(), before)) {
                replaced.put(key, before);
            }
        }
    }

    private void enqueueLeftovers() {
        for (Endpoints e : endpoints.list()) {
            Map<String, String> annotations = e.getMetadata().getAnnotations();
            if (annotations != null && annotations.containsKey(LEADER_ANNOTATION)) {
                continue;
            }
            if (services.namespace(e.getMetadata().getNamespace()).get(e.getMetadata().getName()) == null) {
                enqueue.accept(Keys.of(e));
            }
        }
    }
}
