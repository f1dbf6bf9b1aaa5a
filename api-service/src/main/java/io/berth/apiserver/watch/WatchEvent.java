package io.berth.apiserver.watch;

import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.function.Supplier;

/**
 * One event as a watcher receives it: Kubernetes' watch event types ADDED, MODIFIED, DELETED, BOOKMARK (and ERROR,
 * written by the HTTP layer). {@code json} supplies the object's serialized form and {@code frame} the whole event
 * line; both are computed once and shared by every watcher when the event is the cache's.
 */
public record WatchEvent(String type, HasMetadata object, long revision, Supplier<byte[]> json,
                         Supplier<byte[]> frame) {

    public WatchEvent(String type, HasMetadata object, long revision, Supplier<byte[]> json) {
        this(type, object, revision, json, () -> Frames.encode(type, json.get()));
    }

    public static WatchEvent of(String type, HasMetadata object, long revision) {
        return new WatchEvent(type, object, revision, () -> Json.write(object));
    }
}
