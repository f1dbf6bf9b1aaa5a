package io.berth.apiserver.rest;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Storage futures as Monos that continue on Reactor's parallel workers: jetcd completes every future on its single
 * Vert.x event loop, which must stay free for etcd I/O and the watch caches, so decoding and rendering responses
 * happens elsewhere.
 */
final class Async {

    private Async() {
    }

    static <T> Mono<T> mono(Supplier<CompletableFuture<T>> future) {
        return Mono.fromFuture(future).publishOn(Schedulers.parallel());
    }
}
