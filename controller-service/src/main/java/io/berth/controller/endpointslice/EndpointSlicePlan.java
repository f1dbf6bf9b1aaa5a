package io.berth.controller.endpointslice;

import io.berth.controller.endpoints.PodEndpoints;
import io.berth.controller.endpointslice.DesiredEndpoints.Desired;
import io.berth.controller.endpointslice.DesiredEndpoints.EndpointKey;
import io.berth.controller.endpointslice.DesiredEndpoints.Group;
import io.berth.controller.endpointslice.DesiredEndpoints.PortKey;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What the EndpointSlice controller writes for one Service (Kubernetes' {@code Reconciler.Reconcile}), as a pure
 * function of the Service, its pods, the known nodes and its existing slices. It keeps existing slices where it can:
 * an endpoint stays in the slice it is in (updated there if it changed), slices that changed are filled up first,
 * what is left goes into the unchanged slice it fits best or into new slices, and a slice that would be deleted is
 * reused for one that would be created. A Service without endpoints keeps one empty placeholder slice. Nothing is
 * written when nothing changed. Thread safe.
 */
final class EndpointSlicePlan {

    static final String LABEL_SERVICE_NAME = "kubernetes.io/service-name";
    static final String LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    static final String CONTROLLER_NAME = "endpointslice-controller.k8s.io";

    /**
     * The writes, in the order to send them, and the pods left out for an unknown node (reported as an error so the
     * Service is synced again, after the writes).
     */
    record Changes(List<EndpointSlice> create, List<EndpointSlice> update, List<EndpointSlice> delete,
                   List<String> errors) {
        boolean writes() {
            return !create.isEmpty() || !update.isEmpty() || !delete.isEmpty();
        }
    }

    private record PortMapChanges(List<EndpointSlice> create, List<EndpointSlice> update,
                                  List<EndpointSlice> delete) {
    }

    private EndpointSlicePlan() {
    }

    /**
     * @param pods        the pods the Service selects
     * @param nodes       a node by name from the cache, or null
     * @param existing    the slices labelled as this controller's for this Service, not being deleted
     * @param maxPerSlice endpoints in one slice at most
     * @param triggerTime the {@link io.berth.controller.endpoints.TriggerTimeTracker}'s answer, or null; set on
     *                    written slices only
     */
    static Changes plan(Service service, List<Pod> pods, Function<String, Node> nodes, List<EndpointSlice> existing,
                        int maxPerSlice, Instant triggerTime) {
        List<EndpointSlice> ordered = new ArrayList<>(existing);
        ordered.sort(Comparator.comparing(s -> Objects.toString(s.getMetadata().getName(), "")));
        List<EndpointSlice> otherTypes = new ArrayList<>();
        List<EndpointSlice> ofType = new ArrayList<>();
        for (EndpointSlice s : ordered) {
            (DesiredEndpoints.ADDRESS_TYPE.equals(s.getAddressType()) ? ofType : otherTypes).add(s);
        }

        List<EndpointSlice> create = new ArrayList<>();
        List<EndpointSlice> update = new ArrayList<>();
        List<EndpointSlice> delete = new ArrayList<>();
        Map<List<PortKey>, List<EndpointSlice>> existingByPorts = new LinkedHashMap<>();
        for (EndpointSlice s : ofType) {
            if (ownedBy(s, service)) {
                existingByPorts.computeIfAbsent(DesiredEndpoints.portMapKey(s.getPorts()), k -> new ArrayList<>())
                        .add(s);
            } else {
                // left by an earlier Service of the same name
                delete.add(s);
            }
        }
        Desired desired = DesiredEndpoints.of(service, pods, nodes);
        for (Map.Entry<List<PortKey>, Group> g : desired.groups().entrySet()) {
            PortMapChanges c = byPortMapping(service, existingByPorts.getOrDefault(g.getKey(), List.of()),
                    g.getValue(), maxPerSlice);
            create.addAll(c.create());
            update.addAll(c.update());
            delete.addAll(c.delete());
        }
        existingByPorts.forEach((ports, slices) -> {
            if (!desired.groups().containsKey(ports)) {
                delete.addAll(slices);
            }
        });

        if (ofType.size() == delete.size() && create.isEmpty()) {
            EndpointSlice placeholder = newSlice(service, List.of());
            if (delete.size() == 1 && samePlaceholder(delete.get(0), placeholder)) {
                delete.clear();
            } else {
                create.add(placeholder);
            }
        }

        // a slice to delete becomes the one to create, saving a write (only this Service's own)
        for (int i = 0; i < delete.size() && !create.isEmpty(); ) {
            EndpointSlice gone = delete.get(i);
            if (ownedBy(gone, service)) {
                EndpointSlice slice = create.remove(create.size() - 1);
                slice.getMetadata().setName(gone.getMetadata().getName());
                slice.getMetadata().setResourceVersion(gone.getMetadata().getResourceVersion());
                update.add(slice);
                delete.remove(i);
            } else {
                i++;
            }
        }
        String deleting = service.getMetadata().getDeletionTimestamp();
        if (deleting != null && !deleting.isEmpty()) {
            // the garbage collector is deleting its slices: creating more would race it
            create.clear();
        }
        delete.addAll(otherTypes);
        for (EndpointSlice s : create) {
            setTriggerTime(s, triggerTime);
        }
        for (EndpointSlice s : update) {
            setTriggerTime(s, triggerTime);
        }
        return new Changes(List.copyOf(create), List.copyOf(update), List.copyOf(delete), desired.skipped());
    }

    /** Kubernetes' {@code reconcileByPortMapping}, for the slices and desired endpoints of one port set. */
    private static PortMapChanges byPortMapping(Service service, List<EndpointSlice> existing, Group group,
                                                int max) {
        Map<EndpointKey, Endpoint> wanted = new LinkedHashMap<>(group.endpoints());
        Map<String, EndpointSlice> byName = new LinkedHashMap<>();
        Set<String> unchanged = new LinkedHashSet<>();
        Set<String> toUpdate = new LinkedHashSet<>();
        Set<String> toDelete = new LinkedHashSet<>();

        // 1. keep the wanted endpoints where they are, updated; drop the others
        for (EndpointSlice s : existing) {
            String name = s.getMetadata().getName();
            byName.put(name, s);
            List<Endpoint> had = endpoints(s);
            List<Endpoint> kept = new ArrayList<>();
            boolean changed = false;
            for (Endpoint e : had) {
                Endpoint want = wanted.remove(EndpointKey.of(e));
                if (want != null) {
                    kept.add(want);
                    changed |= !DesiredEndpoints.sameBeyondKey(want, e);
                }
            }
            Labels labels = labels(s, service);
            if (changed || had.size() != kept.size()) {
                if (kept.isEmpty()) {
                    toDelete.add(name);
                } else {
                    byName.put(name, copy(s, kept, labels.labels()));
                    toUpdate.add(name);
                }
            } else if (labels.changed()) {
                byName.put(name, copy(s, had, labels.labels()));
                toUpdate.add(name);
            } else {
                unchanged.add(name);
            }
        }

        // 2. top up the slices being written anyway, fullest first
        if (!wanted.isEmpty() && !toUpdate.isEmpty()) {
            List<EndpointSlice> slices = new ArrayList<>(toUpdate.stream().map(byName::get).toList());
            slices.sort(Comparator.comparingInt((EndpointSlice s) -> s.getEndpoints().size()).reversed());
            for (EndpointSlice s : slices) {
                fill(s, wanted, max);
            }
        }

        // 3. the rest into the unchanged slice it fits best, else into new slices
        List<EndpointSlice> create = new ArrayList<>();
        while (!wanted.isEmpty()) {
            EndpointSlice target = null;
            if (wanted.size() < max && !unchanged.isEmpty()) {
                target = sliceToFill(unchanged.stream().map(byName::get).toList(), wanted.size(), max);
            }
            if (target == null) {
                target = newSlice(service, group.ports());
            } else {
                target = copy(target, endpoints(target), target.getMetadata().getLabels());
                byName.put(target.getMetadata().getName(), target);
            }
            fill(target, wanted, max);
            String name = target.getMetadata().getName();
            if (name != null) {
                toUpdate.add(name);
                unchanged.remove(name);
            } else {
                create.add(target);
            }
        }
        return new PortMapChanges(create, toUpdate.stream().map(byName::get).toList(),
                toDelete.stream().map(byName::get).toList());
    }

    private static void fill(EndpointSlice slice, Map<EndpointKey, Endpoint> wanted, int max) {
        var it = wanted.values().iterator();
        while (it.hasNext() && slice.getEndpoints().size() < max) {
            slice.getEndpoints().add(it.next());
            it.remove();
        }
    }

    /** Kubernetes' {@code getSliceToFill}: the slice closest to full once {@code n} endpoints are added, or null. */
    private static EndpointSlice sliceToFill(List<EndpointSlice> slices, int n, int max) {
        int closest = max;
        EndpointSlice best = null;
        for (EndpointSlice s : slices) {
            int diff = max - (n + endpoints(s).size());
            if (diff >= 0 && diff < closest) {
                closest = diff;
                best = s;
                if (diff == 0) {
                    break;
                }
            }
        }
        return best;
    }

    /** A new slice for the Service (named by the server from {@code <service>-}), owned by it. */
    static EndpointSlice newSlice(Service service, List<EndpointPort> ports) {
        OwnerReference owner = new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service")
                .withName(service.getMetadata().getName()).withUid(service.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
        EndpointSlice slice = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(service.getMetadata().getNamespace())
                .withGenerateName(service.getMetadata().getName() + "-")
                .withLabels(labels(null, service).labels()).withOwnerReferences(owner).endMetadata()
                .withAddressType(DesiredEndpoints.ADDRESS_TYPE)
                .withPorts(ports.stream().map(p -> new EndpointPortBuilder(p).build()).toList())
                .build();
        slice.setEndpoints(new ArrayList<>());
        return slice;
    }

    private static EndpointSlice copy(EndpointSlice slice, List<Endpoint> endpoints, Map<String, String> labels) {
        EndpointSlice copy = new EndpointSliceBuilder(slice).build();
        copy.setEndpoints(new ArrayList<>(endpoints));
        copy.getMetadata().setLabels(new LinkedHashMap<>(labels == null ? Map.of() : labels));
        return copy;
    }

    private static List<Endpoint> endpoints(EndpointSlice slice) {
        return slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
    }

    /** Whether a Service of this UID owns the slice (a slice of a deleted Service of the same name does not). */
    static boolean ownedBy(EndpointSlice slice, Service service) {
        List<OwnerReference> owners = slice.getMetadata().getOwnerReferences();
        if (owners == null) {
            return false;
        }
        for (OwnerReference o : owners) {
            if (Objects.equals(o.getUid(), service.getMetadata().getUid()) && "Service".equals(o.getKind())
                    && "v1".equals(o.getApiVersion())) {
                return true;
            }
        }
        return false;
    }

    /** A slice's labels as they should be, and whether the Service's own labels on it differ. */
    private record Labels(Map<String, String> labels, boolean changed) {
    }

    /**
     * Kubernetes' {@code setEndpointSliceLabels}: the Service's labels (reserved ones aside), the headless label for
     * a Service without cluster IP, the service name and this controller as manager. Only a difference in the
     * Service's own labels counts as a change (reserved labels are rewritten with other changes).
     */
    private static Labels labels(EndpointSlice slice, Service service) {
        Map<String, String> had = new LinkedHashMap<>();
        if (slice != null && slice.getMetadata().getLabels() != null) {
            slice.getMetadata().getLabels().forEach((k, v) -> {
                if (!reserved(k)) {
                    had.put(k, v);
                }
            });
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (service.getMetadata().getLabels() != null) {
            service.getMetadata().getLabels().forEach((k, v) -> {
                if (!reserved(k)) {
                    labels.put(k, v);
                }
            });
        }
        boolean changed = !had.equals(labels);
        if (!PodEndpoints.isServiceIpSet(service)) {
            labels.put(PodEndpoints.LABEL_HEADLESS, "");
        }
        labels.put(LABEL_SERVICE_NAME, service.getMetadata().getName());
        labels.put(LABEL_MANAGED_BY, CONTROLLER_NAME);
        return new Labels(labels, changed);
    }

    private static boolean reserved(String label) {
        return LABEL_SERVICE_NAME.equals(label) || LABEL_MANAGED_BY.equals(label)
                || PodEndpoints.LABEL_HEADLESS.equals(label);
    }

    /** Kubernetes' placeholder comparison: namespace, labels, address type, and no ports or endpoints. */
    private static boolean samePlaceholder(EndpointSlice slice, EndpointSlice placeholder) {
        Map<String, String> labels = slice.getMetadata().getLabels() == null ? Map.of()
                : slice.getMetadata().getLabels();
        return Objects.equals(slice.getMetadata().getNamespace(), placeholder.getMetadata().getNamespace())
                && labels.equals(placeholder.getMetadata().getLabels())
                && Objects.equals(slice.getAddressType(), placeholder.getAddressType())
                && endpoints(slice).isEmpty()
                && (slice.getPorts() == null || slice.getPorts().isEmpty());
    }

    private static void setTriggerTime(EndpointSlice slice, Instant triggerTime) {
        Map<String, String> annotations = new LinkedHashMap<>(slice.getMetadata().getAnnotations() == null
                ? Map.of() : slice.getMetadata().getAnnotations());
        if (triggerTime != null) {
            annotations.put(PodEndpoints.LAST_CHANGE_TRIGGER_TIME, DateTimeFormatter.ISO_INSTANT.format(triggerTime));
        } else {
            annotations.remove(PodEndpoints.LAST_CHANGE_TRIGGER_TIME);
        }
        slice.getMetadata().setAnnotations(annotations);
    }
}
