package io.berth.apiserver.watch;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.Map;

/** BOOKMARK events: an empty object of the watched kind carrying only a resourceVersion, as Kubernetes sends. */
final class Bookmarks {

    static final String INITIAL_EVENTS_END = "k8s.io/initial-events-end";

    private Bookmarks() {
    }

    static WatchEvent bookmark(ResourceType type, long revision) {
        return WatchEvent.of("BOOKMARK", empty(type, revision, null), revision);
    }

    static WatchEvent initialEventsEnd(ResourceType type, long revision) {
        return WatchEvent.of("BOOKMARK", empty(type, revision, Map.of(INITIAL_EVENTS_END, "true")), revision);
    }

    private static HasMetadata empty(ResourceType type, long revision, Map<String, String> annotations) {
        try {
            HasMetadata obj = type.type().getDeclaredConstructor().newInstance();
            obj.setApiVersion(type.apiVersion());
            ObjectMeta meta = new ObjectMeta();
            meta.setResourceVersion(Long.toString(revision));
            meta.setAnnotations(annotations);
            obj.setMetadata(meta);
            return obj;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate " + type.type(), e);
        }
    }
}
