package io.berth.apiserver.storage;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One object as etcd holds it: the plain JSON (without resourceVersion) and the key's mod revision.
 * Immutable; {@link #object()} decodes a fresh, private copy on every call.
 */
public record Stored(ResourceType type, String key, byte[] data, long revision) {

    public HasMetadata object() {
        return ObjectCodec.decode(type, data, revision);
    }
}
