package io.berth.bench;

import io.berth.apimachinery.json.Json;
import io.berth.testkit.ClusterHarness;
import io.netty.buffer.ByteBuf;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * 1,000 concurrent pod watchers through the gateway (chunked HTTP/1.1 watches, one TLS connection each); pods
 * written at 100/s on a fixed schedule; per write, the time from its acknowledgement (the 201 received) to its ADDED
 * event's arrival at the last of the watchers. Goal: p99 <= 50 ms.
 *
 * <p>A write whose event did not reach every watcher before the deadline counts as lost, and so does a watcher
 * that failed: the figure is about the slowest watcher, so none may drop out of it quietly.
 */
final class WatchFanout implements Benchmark {

    static final String NAME = "watch-fanout";
    private static final int WATCHERS = 1000;
    private static final double WRITES_PER_SECOND = 100;
    private static final String NAMESPACE = "bench-watch";
    private static final String PREFIX = "wf-";
    private static final String GOAL = "p99 <= 50 ms";
    private static final long GOAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Duration READY_DEADLINE = Duration.ofSeconds(90);
    private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(10);
    private static final String LATENCY = "event latency %s, write ack to last of 1000 HTTP/1.1 watchers";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Row failed(String reason) {
        return Row.failed(NAME, LATENCY.formatted("p99"), reason, "ms", GOAL);
    }

    @Override
    public List<Row> run(ClusterHarness cluster) throws InterruptedException {
        Duration warmup = Console.seconds(3);
        Duration measure = Console.seconds(15);
        int warmupWrites = (int) (warmup.toNanos() * WRITES_PER_SECOND / 1e9);
        int measuredWrites = (int) (measure.toNanos() * WRITES_PER_SECOND / 1e9);
        // index 0 is the write that shows every watcher is live; then the warm-up; then the measured writes
        int firstMeasured = 1 + warmupWrites;
        Arrivals arrivals = new Arrivals(firstMeasured + measuredWrites);
        AtomicLongArray acks = new AtomicLongArray(firstMeasured + measuredWrites);
        try (GatewayClient writer = new GatewayClient(cluster, "fanout-writes", 64, 1, Duration.ofSeconds(30));
             GatewayClient watchClient = new GatewayClient(cluster, "fanout-watch", WATCHERS, 2,
                     Duration.ofMinutes(5))) {
            Pods.createNamespace(writer, NAMESPACE);
            String path = Pods.podsPath(NAMESPACE);
            String listRv = Json.tree(GatewayClient.expect(200, writer.get(path)).block(Duration.ofSeconds(30)).body())
                    .path("metadata").path("resourceVersion").asString();

            Console.progress(NAME, "opening " + WATCHERS + " watches from resourceVersion " + listRv);
            Watchers watchers = new Watchers(watchClient, arrivals);
            try {
                watchers.open(path + "?watch=true&resourceVersion=" + listRv + "&timeoutSeconds=300");
                write(writer, path, 0, acks).block(Duration.ofSeconds(30));
                if (!arrivals.awaitAll(0, WATCHERS, READY_DEADLINE, watchers::failures)) {
                    return List.of(failed("only " + arrivals.count(0) + " of " + WATCHERS
                            + " watchers received the first event within " + READY_DEADLINE.toSeconds() + " s ("
                            + watchers.failures() + " failed; first: " + watchers.firstError() + ")"));
                }
                Console.progress(NAME, "all " + WATCHERS + " watchers live; warming up with " + warmupWrites
                        + " writes");
                OpenLoop.run(WRITES_PER_SECOND, warmup, i -> write(writer, path, 1 + i, acks), new Latencies(),
                        DELIVERY_DEADLINE);
                Console.progress(NAME, "measuring: " + measuredWrites + " writes at " + (int) WRITES_PER_SECOND + "/s");
                Latencies writeLatencies = new Latencies();
                CpuUsage cpu = CpuUsage.take();
                OpenLoop.Result writes = OpenLoop.run(WRITES_PER_SECOND, measure,
                        i -> write(writer, path, firstMeasured + i, acks), writeLatencies, DELIVERY_DEADLINE);
                arrivals.awaitAll(firstMeasured, acks.length(), WATCHERS, DELIVERY_DEADLINE);
                Console.progress(NAME, CpuUsage.take().since(cpu, writes.completed(), "write"));
                Console.progress(NAME, writes.completed() + " writes acknowledged (p99 "
                        + Table.millis(writeLatencies.count() == 0 ? Latencies.LOST : writeLatencies.percentile(99))
                        + " ms from schedule), " + writes.errors() + " failed"
                        + (writes.firstError() == null ? "" : " (first: " + writes.firstError() + ")")
                        + "; watchers failed: " + watchers.failures()
                        + (watchers.firstError() == null ? "" : " (first: " + watchers.firstError() + ")"));
                return rows(arrivals, acks, firstMeasured, writes, watchers);
            } finally {
                watchers.close();
            }
        }
    }

    private static List<Row> rows(Arrivals arrivals, AtomicLongArray acks, int firstMeasured,
                                  OpenLoop.Result writes, Watchers watchers) {
        Latencies latencies = new Latencies();
        long delivered = 0;
        long expected = 0;
        int clamped = 0;
        int complete = 0;
        for (int i = firstMeasured; i < acks.length(); i++) {
            long ack = acks.get(i);
            if (ack == 0) {
                continue;  // the write itself failed: there is no event to wait for
            }
            expected += WATCHERS;
            int count = arrivals.count(i);
            delivered += count;
            if (count < WATCHERS) {
                latencies.recordLost();
                continue;
            }
            complete++;
            long latency = arrivals.last(i) - ack;
            if (latency < 0) {
                // every watcher had the event before the writer had its 201: the fan-out beat the response
                clamped++;
                latency = 0;
            }
            latencies.record(latency);
        }
        List<Row> rows = new ArrayList<>();
        if (latencies.count() == 0) {
            rows.add(Row.failed(NAME, LATENCY.formatted("p99"),
                    "no write succeeded: " + writes.firstError(), "ms", GOAL));
            return rows;
        }
        String clampNote = clamped == 0 ? "" : " (" + clamped + " of " + latencies.count()
                + " negative, clamped to 0)";
        long p99 = latencies.percentile(99);
        rows.add(Row.info(NAME, LATENCY.formatted("p50") + clampNote,
                Table.millis(latencies.percentile(50)), "ms"));
        rows.add(Row.goal(NAME, LATENCY.formatted("p99"), Table.millis(p99), "ms", GOAL,
                p99 <= GOAL_NANOS));
        rows.add(Row.info(NAME, "events delivered / expected at 100 writes/s", delivered + " / " + expected,
                "events"));
        rows.add(Row.info(NAME, "acknowledged writes whose event reached all 1000 watchers in time",
                complete + " / " + latencies.count(), "writes"));
        if (watchers.failures() > 0) {
            // a watch that ended early makes every later write miss "the last of 1000 watchers": say why
            rows.add(Row.goal(NAME, "watchers that failed during the run (first: "
                            + GatewayClient.abbreviate(watchers.firstError(), 120) + ")",
                    Integer.toString(watchers.failures()), "watchers", "0", false));
        }
        if (writes.errors() > 0) {
            rows.add(Row.goal(NAME, "failed writes (first: " + writes.firstError() + ")",
                    Integer.toString(writes.errors()), "requests", "0", false));
        }
        return rows;
    }

    /** Creates pod {@code wf-<index>}; records when its 201 arrived. */
    private static Mono<GatewayClient.Response> write(GatewayClient writer, String path, int index,
                                                      AtomicLongArray acks) {
        return GatewayClient.expect(201, writer.post(path, Pods.pod(PREFIX + index)))
                .doOnNext(r -> acks.set(index, System.nanoTime()));
    }

    /** Per write: how many watchers have its event, and when the latest of them got it. Thread safe. */
    static final class Arrivals {
        private final AtomicIntegerArray counts;
        private final AtomicLongArray last;

        Arrivals(int writes) {
            counts = new AtomicIntegerArray(writes);
            last = new AtomicLongArray(writes);
        }

        void arrived(int write, long nanos) {
            if (write < 0 || write >= counts.length()) {
                return;
            }
            last.accumulateAndGet(write, nanos, Math::max);
            counts.incrementAndGet(write);
        }

        int count(int write) {
            return counts.get(write);
        }

        long last(int write) {
            return last.get(write);
        }

        /** Waits until write {@code write} reached every watcher, the deadline passes, or a watcher fails. */
        boolean awaitAll(int write, int watchers, Duration deadline, IntSupplier failures) {
            return awaitAll(write, write + 1, watchers, deadline, failures);
        }

        /** Waits until writes [from, to) reached {@code watchers} watchers each, or the deadline passes. */
        boolean awaitAll(int from, int to, int watchers, Duration deadline) {
            return awaitAll(from, to, watchers, deadline, () -> 0);
        }

        private boolean awaitAll(int from, int to, int watchers, Duration deadline, IntSupplier failures) {
            long end = System.nanoTime() + deadline.toNanos();
            int i = from;
            while (i < to) {
                if (counts.get(i) >= watchers) {
                    i++;
                } else if (System.nanoTime() > end || failures.getAsInt() > 0) {
                    return false;
                } else {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
            return true;
        }
    }

    /** The watch streams: each splits its chunks into lines and reports ADDED events to {@link Arrivals}. */
    private static final class Watchers implements AutoCloseable {
        private static final int CONNECTING = 32;
        private final GatewayClient client;
        private final Arrivals arrivals;
        private final WatchLines lines = new WatchLines(PREFIX);
        private final List<Disposable> streams = new ArrayList<>();
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicReference<String> firstError = new AtomicReference<>();

        Watchers(GatewayClient client, Arrivals arrivals) {
            this.client = client;
            this.arrivals = arrivals;
        }

        /**
         * Opens the watches, at most {@value #CONNECTING} connecting at a time: a thousand TLS handshakes at once,
         * each followed by the gateway's own mutual-TLS handshake with the api-service, overrun the gateway's 10 s
         * handshake timeout on a 2-core machine, which is a test of the client's manners rather than of fan-out.
         */
        void open(String uri) throws InterruptedException {
            Semaphore connecting = new Semaphore(CONNECTING);
            for (int i = 0; i < WATCHERS; i++) {
                LineSplitter splitter = new LineSplitter();
                AtomicBoolean sent = new AtomicBoolean();
                Runnable release = () -> {
                    if (sent.compareAndSet(false, true)) {
                        connecting.release();
                    }
                };
                if (!connecting.tryAcquire(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("watch connections take over 60 s to open");
                }
                streams.add(client.http()
                        .doAfterRequest((request, connection) -> release.run())
                        .get().uri(uri)
                        .response((response, body) -> {
                            if (response.status().code() != 200) {
                                return Mono.error(new IllegalStateException("watch answered HTTP "
                                        + response.status().code()));
                            }
                            return body.doOnNext(chunk -> receive(chunk, splitter)).then();
                        })
                        .doFinally(signal -> release.run())
                        .subscribe(ignored -> { }, this::failed, () -> failed(
                                new IllegalStateException("watch ended before the benchmark did"))));
            }
        }

        private void receive(ByteBuf chunk, LineSplitter splitter) {
            long now = System.nanoTime();
            int length = chunk.readableBytes();
            byte[] bytes;
            int offset;
            if (chunk.hasArray()) {
                bytes = chunk.array();
                offset = chunk.arrayOffset() + chunk.readerIndex();
            } else {
                bytes = new byte[length];
                chunk.getBytes(chunk.readerIndex(), bytes);
                offset = 0;
            }
            splitter.accept(bytes, offset, length, (line, from, size) ->
                    arrivals.arrived(lines.addedIndex(line, from, size), now));
        }

        private void failed(Throwable error) {
            failures.incrementAndGet();
            firstError.compareAndSet(null, OpenLoop.describe(error));
        }

        int failures() {
            return failures.get();
        }

        String firstError() {
            return firstError.get();
        }

        /** Cancels every stream, which closes its connection. */
        @Override
        public void close() {
            streams.forEach(Disposable::dispose);
        }
    }
}
