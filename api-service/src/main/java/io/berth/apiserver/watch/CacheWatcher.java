package io.berth.apiserver.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

import java.util.List;
import java.util.function.Consumer;

/**
 * One client's watch on a {@link WatchCache}. The cache offers it events under its lock; a watcher whose queue is full
 * is closed (its client re-watches from the last resourceVersion it saw, as with Kubernetes' watch cache).
 * {@link #events()} is the stream the HTTP layer writes: the initial events first, then live ones.
 */
public final class CacheWatcher {

    private final WatchFilter filter;
    private final boolean allowBookmarks;
    private final Sinks.Many<WatchEvent> sink;
    private final Flux<WatchEvent> events;
    private final Consumer<CacheWatcher> onClose;
    private volatile boolean closed;

    CacheWatcher(WatchFilter filter, boolean allowBookmarks, int queue, List<WatchEvent> initial,
                 Consumer<CacheWatcher> onClose) {
        this.filter = filter;
        this.allowBookmarks = allowBookmarks;
        this.sink = Sinks.many().unicast().onBackpressureBuffer(Queues.<WatchEvent>get(queue).get());
        this.onClose = onClose;
        // each watcher encodes and writes on a parallel worker, not on the thread that dispatches to all of them
        Flux<WatchEvent> live = sink.asFlux().publishOn(Schedulers.parallel()).doFinally(s -> close());
        this.events = initial.isEmpty() ? live : Flux.concat(Flux.fromIterable(initial), live);
    }

    public Flux<WatchEvent> events() {
        return events;
    }

    boolean allowBookmarks() {
        return allowBookmarks;
    }

    /** Offers a change; called with the cache's lock held, so emissions are serialized. */
    void offer(CacheEvent event) {
        if (!closed) {
            WatchEvent out = project(filter, event);
            if (out != null) {
                emit(out);
            }
        }
    }

    /**
     * What a watcher with {@code filter} sees of a change, or null: an object entering the selector arrives as ADDED,
     * one leaving it as DELETED carrying its old state at the new revision (Kubernetes' cacheWatcher rules).
     */
    static WatchEvent project(WatchFilter filter, CacheEvent event) {
        boolean now = filter.matches(event.object());
        boolean before = event.previous() != null && filter.matches(event.previous());
        switch (event.type()) {
            case ADDED:
                return now ? shared("ADDED", event) : null;
            case DELETED:
                return before ? shared("DELETED", event) : null;
            default:
                if (now) {
                    return shared(before ? "MODIFIED" : "ADDED", event);
                }
                if (before) {
                    return WatchEvent.of("DELETED", withRevision(event.previous(), event.revision()),
                            event.revision());
                }
                return null;
        }
    }

    void emit(WatchEvent event) {
        if (closed) {
            return;
        }
        Sinks.EmitResult result = sink.tryEmitNext(event);
        if (result.isFailure()) {
            close();
        }
    }

    /** Ends the stream; the client's next watch resumes from the last resourceVersion it received. */
    public void close() {
        if (!closed) {
            closed = true;
            sink.tryEmitComplete();
            onClose.accept(this);
        }
    }

    boolean isClosed() {
        return closed;
    }

    private static WatchEvent shared(String type, CacheEvent event) {
        return new WatchEvent(type, event.object(), event.revision(), event::json, () -> event.frame(type));
    }

    private static HasMetadata withRevision(HasMetadata obj, long revision) {
        HasMetadata copy = io.berth.apimachinery.json.Json.deepCopy(obj);
        copy.getMetadata().setResourceVersion(Long.toString(revision));
        return copy;
    }
}
