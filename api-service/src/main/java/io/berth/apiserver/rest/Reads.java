package io.berth.apiserver.rest;

import io.berth.apimachinery.request.RequestInfo;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.storage.ContinueToken;
import io.berth.apiserver.storage.ListPage;
import io.berth.apiserver.storage.Stored;
import io.berth.apiserver.watch.CachedObject;
import io.berth.apiserver.watch.WatchCache;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListMeta;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;

/**
 * get and list, with Kubernetes' resourceVersion semantics: unset reads etcd (consistent), {@code 0} answers from the
 * watch cache, {@code n} with NotOlderThan waits for the cache to reach {@code n} (504 after the wait), {@code n} with
 * Exact (or with a limit) reads etcd at that revision (410 once compacted); {@code continue} pins every page to the
 * first page's revision.
 */
final class Reads {

    private final ApiContext ctx;

    Reads(ApiContext ctx) {
        this.ctx = ctx;
    }

    Mono<ServerResponse> get(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format) {
        String rv = request.queryParam("resourceVersion").orElse("");
        if ("0".equals(rv)) {
            WatchCache cache = ctx.caches().get(type);
            CachedObject cached = cache.get(ctx.store().keys().key(type, info.namespace(), info.name()));
            if (cached == null) {
                return Mono.error(StatusErrors.notFound(type, info.name()));
            }
            return one(request, type, cached.stored(), format);
        }
        return Async.mono(() -> ctx.store().get(type, info.namespace(), info.name()))
                .flatMap(stored -> one(request, type, stored, format));
    }

    static Mono<ServerResponse> one(ServerRequest request, ResourceType type, Stored stored, OutputFormat format) {
        return switch (format) {
            case TABLE -> Tables.respond(request, type, List.of(stored.object()), null, false);
            case PARTIAL_METADATA -> Responses.object(200, Responses.partial(stored.object()), OutputFormat.JSON, List.of());
            default -> Responses.json(200, io.berth.apiserver.storage.ResourceVersions.inject(stored.data(),
                    stored.revision()), format, List.of());
        };
    }

    Mono<ServerResponse> list(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format) {
        ListOptions options = ListOptions.from(request, type, info.namespace());
        String rv = options.resourceVersion();
        String match = options.resourceVersionMatch();
        boolean fromCache;
        long exactRevision = 0;
        if (options.continueToken() != null || rv == null || rv.isEmpty()) {
            fromCache = false;
        } else if ("Exact".equals(match) || (match == null && options.limit() > 0 && !"0".equals(rv))) {
            fromCache = false;
            exactRevision = options.resourceVersionNumber();
        } else {
            fromCache = true;
        }
        if (fromCache) {
            WatchCache cache = ctx.caches().get(type);
            long wanted = options.resourceVersionNumber();
            return Async.mono(() -> cache.waitUntilFresh(wanted, ctx.props().resourceVersionWait()))
                    .flatMap(ignored -> {
                        WatchCache.Snapshot snapshot = cache.list(options.filter());
                        List<Stored> items = new ArrayList<>(snapshot.items().size());
                        for (CachedObject c : snapshot.items()) {
                            items.add(c.stored());
                        }
                        return respond(request, type, format, items, snapshot.revision(), null);
                    });
        }
        ContinueToken token = options.continueToken() == null ? null : ContinueToken.decode(options.continueToken());
        long revision = exactRevision;
        return Async.mono(() -> ctx.store().list(type, info.namespace(), options.limit(), token, revision,
                        options.filter().selectsAll() ? null : options.filter()::matches))
                .flatMap(page -> respond(request, type, format, page));
    }

    private Mono<ServerResponse> respond(ServerRequest request, ResourceType type, OutputFormat format, ListPage page) {
        return respond(request, type, format, page.items(), page.revision(), page.continueToken());
    }

    static Mono<ServerResponse> respond(ServerRequest request, ResourceType type, OutputFormat format,
                                        List<Stored> items, long revision, String continueToken) {
        ListMeta meta = new ListMeta();
        meta.setResourceVersion(Long.toString(revision));
        meta.setContinue(continueToken);
        switch (format) {
            case TABLE: {
                List<HasMetadata> objects = items.stream().map(Stored::object).toList();
                return Tables.respond(request, type, objects, meta, true);
            }
            case PARTIAL_METADATA: {
                List<HasMetadata> objects = items.stream().map(Stored::object).toList();
                return Responses.object(200, Responses.partialList(objects, meta), OutputFormat.JSON, List.of());
            }
            default: {
                List<byte[]> json = new ArrayList<>(items.size());
                for (Stored s : items) {
                    json.add(io.berth.apiserver.storage.ResourceVersions.inject(s.data(), s.revision()));
                }
                return Responses.json(200, Responses.list(type, revision, continueToken, null, json), format, List.of());
            }
        }
    }
}
