package io.berth.apiserver.openapi;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** A Kubernetes group, version and kind, as the {@code x-kubernetes-group-version-kind} extension spells it. */
record GroupVersionKind(String group, String version, String kind) {

    ObjectNode toNode() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("group", group);
        node.put("kind", kind);
        node.put("version", version);
        return node;
    }
}
