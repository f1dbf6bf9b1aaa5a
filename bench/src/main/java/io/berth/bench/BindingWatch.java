package io.berth.bench;

import io.berth.apimachinery.json.Json;
import io.netty.buffer.ByteBuf;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One watch on a namespace's pods through the gateway that records when each pod of the benchmark was first seen with
 * a {@code spec.nodeName}, and which: what scheduler_perf's pod informer observes. Opened from a list's
 * resourceVersion before the first create, so no binding is missed; a watch that ends is resumed from where it
 * stopped, one that fails is reported by {@link #error()} (the benchmark then stops waiting and says why).
 */
final class BindingWatch implements AutoCloseable {

    private static final byte[] NODE_NAME = "\"nodeName\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "\"ERROR\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESOURCE_VERSION = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);

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
            if (!pod.startsWith(prefix) || pod.length() == prefix.length() || pod.length() > prefix.length() + 9) {
                return -1;
            }
            int i = 0;
            for (int k = prefix.length(); k < pod.length(); k++) {
                char c = pod.charAt(k);
                if (c < '0' || c > '9') {
                    return -1;
                }
                i = i * 10 + (c - '0');
            }
            return i < nodes.length() ? i : -1;
        }
    }

    /** How often an ended watch is resumed before the benchmark gives up on it. */
    static final int MAX_RESUMES = 10;

    private final GatewayClient client;
    private final String path;
    private final List<Group> groups;
    private final AtomicReference<String> error = new AtomicReference<>();
    private final AtomicReference<String> resourceVersion = new AtomicReference<>();
    private final AtomicReference<Disposable> stream = new AtomicReference<>();
    private final AtomicInteger resumes = new AtomicInteger();
    private final AtomicLong lines = new AtomicLong();
    private volatile boolean closed;

    private BindingWatch(GatewayClient client, String path, List<Group> groups, String resourceVersion) {
        this.client = client;
        this.path = path;
        this.groups = groups;
        this.resourceVersion.set(resourceVersion);
    }

    /**
     * Lists the namespace's pods for a resourceVersion and watches from it; returns once the watch answered 200.
     * A watch that ends (the server closes a watcher that fell behind, as Kubernetes' watch cache does) is resumed
     * from the last resourceVersion it delivered, as an informer would, up to {@value #MAX_RESUMES} times; an ERROR
     * event (410: the history is gone) or a failed connection ends it for good.
     *
     * @param client a client whose response timeout outlasts the quietest stretch of the watch
     */
    static BindingWatch open(GatewayClient client, String namespace, List<Group> groups) {
        String path = Pods.podsPath(namespace);
        String rv = Json.tree(GatewayClient.expect(200, client.get(path + "?limit=1")).block(Duration.ofSeconds(30))
                .body()).path("metadata").path("resourceVersion").asString();
        BindingWatch watch = new BindingWatch(client, path, groups, rv);
        CountDownLatch answered = new CountDownLatch(1);
        watch.start(answered);
        try {
            if (!answered.await(30, TimeUnit.SECONDS)) {
                watch.close();
                throw new IllegalStateException("the pod watch did not answer within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watch.close();
            throw new IllegalStateException("interrupted while opening the pod watch", e);
        }
        if (watch.error() != null) {
            watch.close();
            throw new IllegalStateException(watch.error());
        }
        return watch;
    }

    private void start(CountDownLatch answered) {
        LineSplitter splitter = new LineSplitter();
        Disposable next = client.http().get()
                .uri(path + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=3600&resourceVersion="
                        + resourceVersion.get())
                .response((response, body) -> {
                    answered.countDown();
                    return response.status().code() != 200
                            ? Mono.error(new IllegalStateException("the pod watch answered HTTP "
                            + response.status().code()))
                            : body.doOnNext(chunk -> receive(chunk, splitter)).then();
                })
                .subscribe(ignored -> { }, e -> fail(OpenLoop.describe(e)), this::ended);
        Disposable previous = stream.getAndSet(next);
        if (closed) {
            next.dispose();
        }
        if (previous != null) {
            previous.dispose();
        }
    }

    private void ended() {
        if (closed || error.get() != null) {
            return;
        }
        int n = resumes.incrementAndGet();
        if (n > MAX_RESUMES) {
            fail("the pod watch ended " + n + " times");
            return;
        }
        Console.progress("pod-watch", "the pod watch ended after " + lines.get() + " lines; resuming from "
                + "resourceVersion " + resourceVersion.get() + " (" + n + " of " + MAX_RESUMES + ")");
        start(new CountDownLatch(1));
    }

    /** Why the watch stopped, or null while it runs. */
    String error() {
        return error.get();
    }

    /** Lines (events) received so far, over every resumption. */
    long lines() {
        return lines.get();
    }

    /** How often the watch ended and was resumed. */
    int resumes() {
        return Math.min(resumes.get(), MAX_RESUMES);
    }

    private void fail(String why) {
        error.compareAndSet(null, why);
    }

    private void receive(ByteBuf chunk, LineSplitter splitter) {
        long now = System.nanoTime();
        byte[] bytes = new byte[chunk.readableBytes()];
        chunk.getBytes(chunk.readerIndex(), bytes);
        splitter.accept(bytes, 0, bytes.length, (line, from, length) -> {
            lines.incrementAndGet();
            String rv = resourceVersion(line, from, length);
            if (rv != null) {
                resourceVersion.set(rv);
            }
            Event e = parse(line, from, length);
            if (e == null) {
                return;
            }
            if (e.error() != null) {
                fail(e.error());
                return;
            }
            for (Group g : groups) {
                if (g.observe(e.pod(), e.node(), now)) {
                    return;
                }
            }
        });
    }

    /**
     * The binding or error a watch line reports, or null for every other line (an unbound pod, a BOOKMARK, a
     * DELETED pod). Only lines that mention {@code nodeName} or {@code ERROR} are parsed: most of the stream is the
     * ADDED events of unbound pods.
     */
    static Event parse(byte[] line, int offset, int length) {
        boolean error = contains(line, offset, length, ERROR);
        if (!error && !contains(line, offset, length, NODE_NAME)) {
            return null;
        }
        JsonNode event;
        try {
            event = Json.tree(Arrays.copyOfRange(line, offset, offset + length));
        } catch (JacksonException e) {
            return new Event(null, null, "an unreadable watch event: " + GatewayClient.abbreviate(
                    new String(line, offset, length, StandardCharsets.UTF_8), 200));
        }
        String type = event.path("type").asString("");
        JsonNode object = event.path("object");
        if (type.equals("ERROR")) {
            return new Event(null, null, "watch error event: " + object.path("message").asString(object.toString()));
        }
        if (!type.equals("ADDED") && !type.equals("MODIFIED")) {
            return null;
        }
        String node = object.path("spec").path("nodeName").asString("");
        String pod = object.path("metadata").path("name").asString("");
        return node.isEmpty() || pod.isEmpty() ? null : new Event(pod, node, null);
    }

    /**
     * The first {@code resourceVersion} of a watch line: the object's (a pod has no other; a BOOKMARK carries only
     * that one), or null when the line has none (an ERROR's Status).
     */
    static String resourceVersion(byte[] line, int offset, int length) {
        int at = indexOf(line, offset, length, RESOURCE_VERSION);
        if (at < 0) {
            return null;
        }
        int from = at + RESOURCE_VERSION.length;
        int end = offset + length;
        int i = from;
        while (i < end && line[i] >= '0' && line[i] <= '9') {
            i++;
        }
        return i == from || i == end || line[i] != '"' ? null : new String(line, from, i - from,
                StandardCharsets.US_ASCII);
    }

    private static boolean contains(byte[] haystack, int offset, int length, byte[] needle) {
        return indexOf(haystack, offset, length, needle) >= 0;
    }

    private static int indexOf(byte[] haystack, int offset, int length, byte[] needle) {
        int end = offset + length - needle.length;
        outer:
        for (int i = offset; i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Cancels the watch, which closes its connection. */
    @Override
    public void close() {
        closed = true;
        Disposable current = stream.get();
        if (current != null) {
            current.dispose();
        }
    }
}
