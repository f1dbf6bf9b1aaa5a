package io.berth.controller.namespace;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An API server for one namespace, in memory, that records every call: the namespace with resourceVersion checks
 * (409 on a stale one) and Kubernetes' removal once finalized, discovery, and objects per resource. Objects named in
 * {@link #graceful} are deleted gracefully (they get a deletionTimestamp 30 s on and stay), as pods bound to a node;
 * objects held by finalizers get a deletionTimestamp and stay.
 */
final class FakeNamespaceApi implements NamespaceApi {

    final List<String> calls = new ArrayList<>();
    final List<APIResourceList> discovery = new ArrayList<>();
    final Map<String, String> failedDiscovery = new TreeMap<>();
    final Map<GroupVersionResource, List<GenericKubernetesResource>> objects = new LinkedHashMap<>();
    final Set<String> graceful = new HashSet<>();
    /** Objects that survive a delete unchanged (created again at once, say). */
    final Set<String> stubborn = new HashSet<>();
    /** Failures to answer, by call ("deletecollection configmaps."), every time. */
    final Map<String, Failure> failing = new HashMap<>();
    /** How many finalize calls to answer with 409 after someone else wrote the namespace. */
    int finalizeConflicts;
    private final Instant now;
    private Namespace namespace;
    private long revision = 10;

    FakeNamespaceApi(Namespace namespace, Instant now) {
        this.now = now;
        this.namespace = stored(namespace);
    }

    /** The namespace as stored, or null once removed. */
    Namespace namespace() {
        return namespace == null ? null : new NamespaceBuilder(namespace).build();
    }

    void add(GroupVersionResource resource, String name, String... finalizers) {
        objects.computeIfAbsent(resource, r -> new ArrayList<>()).add(new GenericKubernetesResourceBuilder()
                .withApiVersion("v1").withKind("Thing").withNewMetadata().withNamespace("team").withName(name)
                .withFinalizers(finalizers).endMetadata().build());
    }

    @Override
    public Optional<Namespace> get(String name) {
        calls.add("get");
        return Optional.ofNullable(namespace());
    }

    @Override
    public Optional<Namespace> updateStatus(Namespace ns) {
        List<NamespaceCondition> conditions = ns.getStatus().getConditions();
        calls.add("status " + ns.getStatus().getPhase() + (conditions == null || conditions.isEmpty() ? ""
                : " " + conditions.stream().filter(c -> "True".equals(c.getStatus()))
                        .map(NamespaceCondition::getType).toList()));
        if (namespace == null) {
            return Optional.empty();
        }
        checkRevision(ns);
        namespace = stored(new NamespaceBuilder(namespace).withStatus(ns.getStatus()).build());
        return Optional.of(namespace());
    }

    @Override
    public Optional<Namespace> finalize(Namespace ns) {
        calls.add("finalize " + ns.getSpec().getFinalizers());
        if (namespace == null) {
            return Optional.empty();
        }
        if (finalizeConflicts > 0) {
            finalizeConflicts--;
            namespace = stored(new NamespaceBuilder(namespace).editMetadata().addToLabels("touched", "yes")
                    .endMetadata().build());
        }
        checkRevision(ns);
        namespace = stored(new NamespaceBuilder(namespace).editSpec().withFinalizers(ns.getSpec().getFinalizers())
                .endSpec().build());
        Namespace answer = namespace();
        List<String> metadataFinalizers = namespace.getMetadata().getFinalizers();
        boolean held = !namespace.getSpec().getFinalizers().isEmpty()
                || metadataFinalizers != null && !metadataFinalizers.isEmpty();
        if (namespace.getMetadata().getDeletionTimestamp() != null && !held) {
            namespace = null;
        }
        return Optional.of(answer);
    }

    @Override
    public Discovered discover() {
        calls.add("discover");
        Failure failure = failing.get("discover");
        if (failure != null) {
            throw failure;
        }
        return new Discovered(List.copyOf(discovery), Map.copyOf(failedDiscovery));
    }

    @Override
    public boolean deleteCollection(GroupVersionResource resource, String ns) {
        String call = "deletecollection " + resource.groupResource();
        calls.add(call);
        fail(call);
        List<GenericKubernetesResource> items = objects.getOrDefault(resource, new ArrayList<>());
        for (GenericKubernetesResource item : List.copyOf(items)) {
            delete(items, item);
        }
        return true;
    }

    @Override
    public Optional<List<GenericKubernetesResource>> list(GroupVersionResource resource, String ns) {
        String call = "list " + resource.groupResource();
        calls.add(call);
        fail(call);
        return Optional.of(objects.getOrDefault(resource, List.of()).stream()
                .map(o -> new GenericKubernetesResourceBuilder(o).build()).toList());
    }

    @Override
    public void delete(GroupVersionResource resource, String ns, String name) {
        String call = "delete " + resource.groupResource() + " " + name;
        calls.add(call);
        fail(call);
        List<GenericKubernetesResource> items = objects.getOrDefault(resource, new ArrayList<>());
        items.stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .ifPresent(item -> delete(items, item));
    }

    private void delete(List<GenericKubernetesResource> items, GenericKubernetesResource item) {
        if (stubborn.contains(item.getMetadata().getName())) {
            return;
        }
        boolean held = item.getMetadata().getFinalizers() != null && !item.getMetadata().getFinalizers().isEmpty();
        if (held || graceful.contains(item.getMetadata().getName())) {
            if (item.getMetadata().getDeletionTimestamp() == null) {
                item.getMetadata().setDeletionTimestamp(now.plusSeconds(held ? 0 : 30).toString());
            }
        } else {
            items.remove(item);
        }
    }

    private void fail(String call) {
        Failure failure = failing.get(call);
        if (failure != null) {
            throw failure;
        }
    }

    private void checkRevision(Namespace ns) {
        String rv = ns.getMetadata().getResourceVersion();
        if (rv != null && !rv.equals(namespace.getMetadata().getResourceVersion())) {
            throw new Failure(409, "Operation cannot be fulfilled on namespaces \"team\": the object has been"
                    + " modified; please apply your changes to the latest version and try again");
        }
    }

    private Namespace stored(Namespace ns) {
        return new NamespaceBuilder(ns).editMetadata().withResourceVersion(Long.toString(++revision)).endMetadata()
                .build();
    }
}
