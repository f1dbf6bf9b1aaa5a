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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One watch through the gateway on a list path (a namespace's pods, its Deployments) that hands every event line to a
 * {@link Handler}: what an informer's reflector does, without the cache. Opened from a list's resourceVersion before
 * the benchmark's first write, so no event is missed; a watch that ends (the server closes a watcher that fell behind,
 * as Kubernetes' watch cache does) is resumed from the last resourceVersion it delivered, up to
 * {@value #MAX_RESUMES} times; a line the handler refuses (an ERROR event: 410, the history is gone) or a failed
 * connection ends it for good, and {@link #error()} says why (the benchmark then stops waiting and reports it).
 */
final class WatchStream implements AutoCloseable {

    /** How often an ended watch is resumed before the benchmark gives up on it. */
    static final int MAX_RESUMES = 10;

    private static final byte[] RESOURCE_VERSION = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * Receives the watch's lines, one at a time on the connection's event loop, in order; must not block. The slice
     * is reused after the call returns.
     */
    interface Handler {

        /** @return why the watch must stop (an ERROR event, an unreadable line), or null to go on */
        String line(byte[] bytes, int offset, int length, long receivedNanos);
    }

    /** An event line read as JSON: its type and object, or why it could not be used ({@code error} set). */
    record Event(String type, JsonNode object, String error) {

        /** An ADDED or MODIFIED event: the object as it is now (not a BOOKMARK, not a DELETED one). */
        boolean addedOrModified() {
            return "ADDED".equals(type) || "MODIFIED".equals(type);
        }
    }

    private final GatewayClient client;
    private final String path;
    private final String name;
    private final Handler handler;
    private final AtomicReference<String> error = new AtomicReference<>();
    private final AtomicReference<String> resourceVersion = new AtomicReference<>();
    private final AtomicReference<Disposable> stream = new AtomicReference<>();
    private final AtomicInteger resumes = new AtomicInteger();
    private final AtomicLong lines = new AtomicLong();
    private volatile boolean closed;

    private WatchStream(GatewayClient client, String path, String name, Handler handler, String resourceVersion) {
        this.client = client;
        this.path = path;
        this.name = name;
        this.handler = handler;
        this.resourceVersion.set(resourceVersion);
    }

    /**
     * Lists {@code path} (one item) for a resourceVersion and watches from it; returns once the watch answered 200.
     *
     * @param client a client whose response timeout outlasts the quietest stretch of the watch
     * @param path   a list path without a query
     * @param name   what the progress log and the errors call it, e.g. {@code pod watch}
     */
    static WatchStream open(GatewayClient client, String path, String name, Handler handler) {
        String rv = Json.tree(GatewayClient.expect(200, client.get(path + "?limit=1")).block(Duration.ofSeconds(30))
                .body()).path("metadata").path("resourceVersion").asString();
        WatchStream watch = new WatchStream(client, path, name, handler, rv);
        CountDownLatch answered = new CountDownLatch(1);
        watch.start(answered);
        try {
            if (!answered.await(30, TimeUnit.SECONDS)) {
                watch.close();
                throw new IllegalStateException("the " + name + " did not answer within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watch.close();
            throw new IllegalStateException("interrupted while opening the " + name, e);
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
                            ? Mono.error(new IllegalStateException("the " + name + " answered HTTP "
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
            fail("the " + name + " ended " + n + " times");
            return;
        }
        Console.progress(name.replace(' ', '-'), "the " + name + " ended after " + lines.get() + " lines; resuming "
                + "from resourceVersion " + resourceVersion.get() + " (" + n + " of " + MAX_RESUMES + ")");
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
            String why = handler.line(line, from, length, now);
            if (why != null) {
                fail(why);
            }
        });
    }

    /**
     * A line read as a watch event; an ERROR event and an unreadable line come back with {@code error} set (a
     * handler returns it to stop the watch).
     */
    static Event parse(byte[] line, int offset, int length) {
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
            return new Event(type, object, "watch error event: "
                    + object.path("message").asString(object.toString()));
        }
        return new Event(type, object, null);
    }

    /**
     * The first {@code resourceVersion} of a watch line: the object's (pods and Deployments have no other before
     * it; a BOOKMARK carries only that one), or null when the line has none (an ERROR's Status).
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

    /** Whether the slice holds {@code needle}: the byte scan that spares most lines a JSON parse. */
    static boolean contains(byte[] haystack, int offset, int length, byte[] needle) {
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
