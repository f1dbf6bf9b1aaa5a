package io.berth.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.function.Consumer;

/** Informer handlers that only hand objects on (handlers must never block the informer's thread). */
public final class Handlers {

    private Handlers() {
    }

    /** Enqueues the key of every added, updated or deleted object. */
    public static <T extends HasMetadata> ResourceEventHandler<T> enqueue(WorkQueue queue) {
        return on(obj -> queue.add(Keys.of(obj)));
    }

    /** Calls {@code action} with every added object, every new state of an updated one and every deleted one. */
    public static <T extends HasMetadata> ResourceEventHandler<T> on(Consumer<T> action) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                action.accept(obj);
            }

            @Override
            public void onUpdate(T old, T obj) {
                action.accept(obj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                action.accept(obj);
            }
        };
    }
}
