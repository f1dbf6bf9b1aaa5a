package io.berth.bench;

import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One watch on a namespace's pods through the gateway that records when each pod of the benchmark was first seen with
 * a {@code spec.nodeName}, and which: what scheduler_perf's pod informer observes. Opened from a list's
 * resourceVersion before the first create, so no binding is missed; a watch that ends is resumed from where it
 * stopped, one that fails is reported by {@link #error()} (the benchmark then stops waiting and says why): a
 * {@link WatchStream}.
 */
final class BindingWatch implements AutoCloseable {

    private static final byte[] NODE_NAME = "\"nodeName\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "\"ERROR\"".getBytes(StandardCharsets.US_ASCII);

    /** A pod seen bound ({@code node} set), or a watch error ({@code error} set). */
    record Event(String pod, String node, String error) {
    }

    /** The pods named {@code <prefix><i>} for i below {@code count}: when each was first seen bound. Thread safe. */
    static final class Group {
        private final String prefix;
        private final AtomicLongArray boundAt;
        private final AtomicReferenceArray<String> nodes;
        private final AtomicInteger bound = new AtomicInteger();

        Group(String prefix, int count) {
            this.prefix = prefix;
            this.boundAt = new AtomicLongArray(count);
            this.nodes = new AtomicReferenceArray<>(count);
        }

        int size() {
            return nodes.length();
        }

        /** Pods seen bound so far. */
        int bound() {
            return bound.get();
        }

        /** When pod {@code i} was first seen bound ({@link System#nanoTime()}), 0 if not yet. */
        long boundAt(int i) {
            return boundAt.get(i);
        }

        /** The node pod {@code i} was bound to, or null. */
        String node(int i) {
            return nodes.get(i);
        }

        /** The latest first-seen binding, 0 if none. */
        long lastBoundAt() {
            long last = 0;
            for (int i = 0; i < boundAt.length(); i++) {
                last = Math.max(last, boundAt.get(i));
            }
            return last;
        }

        /** Records the binding if the pod is one of this group's and was not seen bound before. */
        boolean observe(String pod, String node, long nanos) {
            int i = index(pod);
            if (i < 0 || !nodes.compareAndSet(i, null, node)) {
                return false;
            }
            boundAt.set(i, nanos);
            bound.incrementAndGet();
            return true;
        }

        private int index(String pod) {
            return index(pod, prefix, nodes.length());
        }

        /** i for a name {@code <prefix><i>} with i below {@code size}, else -1. */
        static int index(String name, String prefix, int size) {
            if (!name.startsWith(prefix) || name.length() == prefix.length() || name.length() > prefix.length() + 9) {
                return -1;
            }
            int i = 0;
            for (int k = prefix.length(); k < name.length(); k++) {
                char c = name.charAt(k);
                if (c < '0' || c > '9') {
                    return -1;
                }
                i = i * 10 + (c - '0');
            }
            return i < size ? i : -1;
        }
    }

    private final WatchStream stream;

    private BindingWatch(WatchStream stream) {
        this.stream = stream;
    }

    /**
     * Lists the namespace's pods for a resourceVersion and watches from it ({@link WatchStream}); returns once the
     * watch answered 200.
     *
     * @param client a client whose response timeout outlasts the quietest stretch of the watch
     */
    static BindingWatch open(GatewayClient client, String namespace, List<Group> groups) {
        List<Group> targets = List.copyOf(groups);
        return new BindingWatch(WatchStream.open(client, Pods.podsPath(namespace), "pod watch",
                (line, from, length, now) -> {
                    Event e = parse(line, from, length);
                    if (e == null) {
                        return null;
                    }
                    if (e.error() != null) {
                        return e.error();
                    }
                    for (Group g : targets) {
                        if (g.observe(e.pod(), e.node(), now)) {
                            break;
                        }
                    }
                    return null;
                }));
    }

    /** Why the watch stopped, or null while it runs. */
    String error() {
        return stream.error();
    }

    /** Lines (events) received so far, over every resumption. */
    long lines() {
        return stream.lines();
    }

    /** How often the watch ended and was resumed. */
    int resumes() {
        return stream.resumes();
    }

    /**
     * The binding or error a watch line reports, or null for every other line (an unbound pod, a BOOKMARK, a
     * DELETED pod). Only lines that mention {@code nodeName} or {@code ERROR} are parsed: most of the stream is the
     * ADDED events of unbound pods.
     */
    static Event parse(byte[] line, int offset, int length) {
        boolean error = WatchStream.contains(line, offset, length, ERROR);
        if (!error && !WatchStream.contains(line, offset, length, NODE_NAME)) {
            return null;
        }
        WatchStream.Event event = WatchStream.parse(line, offset, length);
        if (event.error() != null) {
            return new Event(null, null, event.error());
        }
        if (!event.addedOrModified()) {
            return null;
        }
        JsonNode object = event.object();
        String node = object.path("spec").path("nodeName").asString("");
        String pod = object.path("metadata").path("name").asString("");
        return node.isEmpty() || pod.isEmpty() ? null : new Event(pod, node, null);
    }

    /** Cancels the watch, which closes its connection. */
    @Override
    public void close() {
        stream.close();
    }
}
