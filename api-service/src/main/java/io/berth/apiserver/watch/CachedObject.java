package io.berth.apiserver.watch;

import io.berth.apiserver.storage.ResourceVersions;
import io.berth.apiserver.storage.Stored;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * An object in the watch cache: its stored form and its decoded form, which is shared and must never be changed
 * (copy it before changing, STYLE.md rule 6).
 */
public record CachedObject(Stored stored, HasMetadata object) {

    /** The object's JSON with its resourceVersion, without re-encoding it. */
    public byte[] json() {
        return ResourceVersions.inject(stored.data(), stored.revision());
    }
}
