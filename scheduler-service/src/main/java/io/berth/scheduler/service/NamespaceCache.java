package io.berth.scheduler.service;

import io.berth.scheduler.framework.Namespaces;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The namespaces' labels as a namespace informer last saw them, for pod affinity's namespace selectors. */
final class NamespaceCache implements Namespaces, ResourceEventHandler<Namespace> {

    private final Map<String, Map<String, String>> labels = new ConcurrentHashMap<>();

    @Override
    public Map<String, String> labels(String name) {
        return labels.getOrDefault(name, Map.of());
    }

    @Override
    public Map<String, Map<String, String>> all() {
        return Collections.unmodifiableMap(labels);
    }

    @Override
    public void onAdd(Namespace namespace) {
        Map<String, String> l = namespace.getMetadata().getLabels();
        labels.put(namespace.getMetadata().getName(), l == null ? Map.of() : Map.copyOf(l));
    }

    @Override
    public void onUpdate(Namespace old, Namespace namespace) {
        onAdd(namespace);
    }

    @Override
    public void onDelete(Namespace namespace, boolean unknownFinalState) {
        labels.remove(namespace.getMetadata().getName());
    }
}
