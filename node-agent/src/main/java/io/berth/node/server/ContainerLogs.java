package io.berth.node.server;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.streaming.PodLogOptions;
import io.berth.node.pods.PodLocator;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /containerLogs/{namespace}/{pod}/{container}}, the kubelet's log endpoint, with Kubernetes'
 * {@link PodLogOptions} as query parameters: the container's CRI log as {@code text/plain}, streamed and flushed per
 * chunk. With {@code follow} the response stays open while the container's run goes on: the file is polled every
 * {@link #POLL} for what the container writes, and the stream ends once that run has stopped and everything it
 * wrote was sent, or when the client goes away. Thread safe; file reads run off the event loop.
 */
final class ContainerLogs {

    static final Duration POLL = Duration.ofMillis(250);
    /** Marks the end of a followed stream; compared by identity. */
    private static final byte[] END = new byte[0];

    private final PodLocator locator;
    private final Clock clock;
    private final Duration poll;
    private final Scheduler files = Schedulers.boundedElastic();

    ContainerLogs(PodLocator locator, Clock clock, Duration poll) {
        this.locator = locator;
        this.clock = clock;
        this.poll = poll;
    }

    Mono<ServerResponse> handle(ServerRequest request) {
        String namespace = request.pathVariable("namespace");
        String pod = request.pathVariable("pod");
        String container = request.pathVariable("container");
        return Mono.fromCallable(() -> {
                    PodLogOptions options = PodLogOptions.parse(name -> request.queryParams().getOrDefault(name,
                            List.of())).validate(pod);
                    PodLocator.Located located = locator.find(namespace, pod, container)
                            .orElseThrow(() -> Statuses.containerNotFound(container, pod));
                    return new Request(namespace, pod, located, options, file(located, options, pod));
                })
                .subscribeOn(files)
                .flatMap(this::respond)
                .onErrorResume(Statuses::respond);
    }

    private record Request(String namespace, String pod, PodLocator.Located located, PodLogOptions options,
                           Path file) {
    }

    private static Path file(PodLocator.Located located, PodLogOptions options, String pod) {
        if (options.previous()) {
            if (located.previousLog() == null) {
                throw StatusErrors.badRequest("previous terminated container \"" + located.container()
                        + "\" in pod \"" + pod + "\" not found");
            }
            return located.previousLog();
        }
        if (located.currentLog() == null) {
            throw StatusErrors.badRequest("container \"" + located.container() + "\" in pod \"" + pod
                    + "\" is waiting to start - no logs yet");
        }
        return located.currentLog();
    }

    private Mono<ServerResponse> respond(Request r) {
        PodLogOptions o = r.options();
        CriLogReader reader = new CriLogReader(r.file(), o.tailLines(), o.since(clock.instant()), o.timestamps(),
                o.limitBytes());
        Flux<byte[]> body = o.follow() && !o.previous() ? followed(reader, r) : drain(reader)
                .concatWith(Mono.fromCallable(reader::finish).subscribeOn(files));
        // an empty first write sends the headers at once: a followed stream may say nothing for a long time
        Flux<byte[]> chunks = Flux.concat(Mono.just(new byte[0]), body.filter(b -> b.length > 0))
                .doFinally(signal -> closeQuietly(reader));
        return ServerResponse.ok().header(HttpHeaders.CONTENT_TYPE, "text/plain")
                .header(HttpHeaders.CACHE_CONTROL, "no-cache, private")
                .body((message, context) -> message.writeAndFlushWith(
                        chunks.map(bytes -> Mono.<DataBuffer>just(message.bufferFactory().wrap(bytes)))));
    }

    /** Everything the file holds now, one block at a time as the client takes it. */
    private Flux<byte[]> drain(CriLogReader reader) {
        return Flux.<byte[]>generate(sink -> {
            try {
                byte[] chunk;
                do {
                    chunk = reader.next();
                } while (chunk != null && chunk.length == 0);
                if (chunk == null) {
                    sink.complete();
                } else {
                    sink.next(chunk);
                }
            } catch (IOException e) {
                sink.error(new UncheckedIOException(e));
            }
        }).subscribeOn(files);
    }

    /**
     * Passes over the file every {@link #poll}. Whether the run still goes on is asked before each pass, so a pass
     * that began after it stopped has read everything it wrote: that pass is the last.
     */
    private Flux<byte[]> followed(CriLogReader reader, Request r) {
        String containerId = r.located().containerId();
        return Flux.defer(() -> {
                    boolean running = stillRunning(r, containerId);
                    Flux<byte[]> pass = drain(reader);
                    if (running && !reader.limitReached()) {
                        return pass;
                    }
                    return pass.concatWith(Mono.fromCallable(reader::finish).subscribeOn(files))
                            .concatWith(Mono.just(END));
                })
                .repeatWhen(passes -> passes.delayElements(poll))
                .takeWhile(chunk -> chunk != END);
    }

    private boolean stillRunning(Request r, String containerId) {
        return locator.find(r.namespace(), r.pod(), r.located().container())
                .map(now -> now.running() && Objects.equals(now.containerId(), containerId))
                .orElse(false);
    }

    private static void closeQuietly(CriLogReader reader) {
        try {
            reader.close();
        } catch (IOException ignored) {
            // a read-only file: nothing is lost
        }
    }
}
