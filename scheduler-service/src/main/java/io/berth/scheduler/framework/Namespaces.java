package io.berth.scheduler.framework;

import java.util.Map;

/**
 * The namespaces' labels, for pod affinity terms with a {@code namespaceSelector} (Kubernetes' namespace lister).
 * Backed by an informer; reads never block.
 */
public interface Namespaces {

    /** The labels of namespace {@code name}; empty when it is unknown. */
    Map<String, String> labels(String name);

    /** Every namespace name with its labels. */
    Map<String, Map<String, String>> all();

    /** No namespaces at all (tests of plugins that do not use them). */
    static Namespaces none() {
        return new Namespaces() {
            @Override
            public Map<String, String> labels(String name) {
                return Map.of();
            }

            @Override
            public Map<String, Map<String, String>> all() {
                return Map.of();
            }
        };
    }

    /** Fixed namespaces (tests). */
    static Namespaces of(Map<String, Map<String, String>> namespaces) {
        return new Namespaces() {
            @Override
            public Map<String, String> labels(String name) {
                return namespaces.getOrDefault(name, Map.of());
            }

            @Override
            public Map<String, Map<String, String>> all() {
                return namespaces;
            }
        };
    }
}
