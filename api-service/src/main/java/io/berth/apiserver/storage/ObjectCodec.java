package io.berth.apiserver.storage;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * Encodes objects for etcd: JSON with {@code metadata.resourceVersion} removed (the revision is etcd's mod_revision),
 * and decodes them with the revision put back. Stateless and thread safe.
 */
public final class ObjectCodec {

    private ObjectCodec() {
    }

    /** The stored form of {@code obj}. The object is not changed. */
    public static byte[] encode(HasMetadata obj) {
        ObjectMeta meta = obj.getMetadata();
        String rv = meta.getResourceVersion();
        if (rv == null) {
            return Json.write(obj);
        }
        // The object is ours (never a cache's) while it is being written, so clearing and restoring is safe.
        synchronized (meta) {
            meta.setResourceVersion(null);
            try {
                return Json.write(obj);
            } finally {
                meta.setResourceVersion(rv);
            }
        }
    }

    public static HasMetadata decode(ResourceType type, byte[] data, long revision) {
        HasMetadata obj = Json.read(data, type.type());
        if (obj.getMetadata() == null) {
            obj.setMetadata(new ObjectMeta());
        }
        obj.getMetadata().setResourceVersion(Long.toString(revision));
        if (obj.getApiVersion() == null) {
            obj.setApiVersion(type.apiVersion());
        }
        return obj;
    }
}
