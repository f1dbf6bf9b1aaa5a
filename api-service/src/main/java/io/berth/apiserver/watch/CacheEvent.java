package io.berth.apiserver.watch;

import io.berth.apiserver.storage.ResourceVersions;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A change seen on etcd's watch, as the watch cache keeps it: the object after the change (for DELETED, the last
 * state with the delete's revision) and the object before it. Immutable by convention: neither object is ever
 * changed after construction; the JSON of {@link #object()} is computed once and shared by every watcher.
 */
public final class CacheEvent {

    public enum Type { ADDED, MODIFIED, DELETED }

    private final Type type;
    private final String key;
    private final HasMetadata object;
    private final HasMetadata previous;
    private final long revision;
    private final byte[] storedData;
    private volatile byte[] json;
    private volatile byte[] frame;
    private volatile String frameType;

    CacheEvent(Type type, String key, HasMetadata object, HasMetadata previous, long revision, byte[] storedData) {
        this.type = type;
        this.key = key;
        this.object = object;
        this.previous = previous;
        this.revision = revision;
        this.storedData = storedData;
    }

    public Type type() {
        return type;
    }

    public String key() {
        return key;
    }

    public HasMetadata object() {
        return object;
    }

    /** The object before this change, or null for ADDED. */
    public HasMetadata previous() {
        return previous;
    }

    public long revision() {
        return revision;
    }

    /** The serialized object (with its resourceVersion), computed once. */
    public byte[] json() {
        byte[] j = json;
        if (j == null) {
            j = ResourceVersions.inject(storedData, revision);
            json = j;
        }
        return j;
    }

    /** The event line for watchers that see it as {@code type}; cached for the first type asked (nearly all). */
    public byte[] frame(String type) {
        byte[] f = frame;
        if (f != null && type.equals(frameType)) {
            return f;
        }
        f = Frames.encode(type, json());
        if (frame == null) {
            frameType = type;
            frame = f;
        }
        return f;
    }
}
