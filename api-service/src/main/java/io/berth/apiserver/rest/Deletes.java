package io.berth.apiserver.rest;

import io.berth.apimachinery.request.RequestInfo;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.auth.Requester;
import io.berth.apiserver.storage.ResourceVersions;
import io.berth.apiserver.storage.Stored;
import io.berth.apiserver.strategy.Strategy;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Preconditions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * delete and deletecollection with Kubernetes' semantics: preconditions (uid, resourceVersion → 409), finalizers
 * (the object gets a deletionTimestamp and stays until they are removed), namespaces turn Terminating and stay until
 * both their finalizers and their {@code spec.finalizers} are gone, and pods are
 * deleted gracefully: a pod bound to a node that has not finished gets a deletionTimestamp plus grace period and is
 * removed by its node agent, or by a delete with {@code gracePeriodSeconds=0}; an unbound pod goes at once.
 */
final class Deletes {

    private final ApiContext ctx;

    Deletes(ApiContext ctx) {
        this.ctx = ctx;
    }

    Mono<ServerResponse> delete(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format) {
        boolean dryRun = Writes.dryRun(request);
        Requester who = Requester.from(request);
        return options(request).flatMap(options -> {
            ctx.admission().admitDelete(type, info.name());
            return deleteOne(who, type, info.namespace(), info.name(), options, dryRun)
                    .flatMap(result -> result.gone() && !(result.object() instanceof Pod)
                            ? Responses.object(200, StatusErrors.success(type, info.name(),
                                    result.object().getMetadata().getUid()), OutputFormat.JSON, List.of())
                            : Responses.object(200, result.object(), format, List.of()));
        });
    }

    Mono<ServerResponse> deleteCollection(ServerRequest request, RequestInfo info, ResourceType type,
                                          OutputFormat format) {
        boolean dryRun = Writes.dryRun(request);
        Requester who = Requester.from(request);
        ListOptions listOptions = ListOptions.from(request, type, info.namespace());
        return options(request).flatMap(options -> Async.mono(() -> ctx.store().list(type, info.namespace(), 0,
                        null, 0, listOptions.filter().selectsAll() ? null : listOptions.filter()::matches))
                .flatMapMany(page -> Flux.fromIterable(page.items()))
                .filter(stored -> !ctx.admission().undeletable(type, stored.object().getMetadata().getName()))
                .concatMap(stored -> deleteOne(who, type, stored.object().getMetadata().getNamespace(),
                        stored.object().getMetadata().getName(), options, dryRun)
                        .onErrorResume(e -> e instanceof io.berth.apimachinery.errors.ApiException api
                                && api.code() == 404, e -> Mono.empty()))
                .map(Result::object)
                .collectList()
                .flatMap(deleted -> {
                    List<byte[]> items = new ArrayList<>();
                    for (HasMetadata obj : deleted) {
                        items.add(Json.write(obj));
                    }
                    return Responses.json(200, Responses.list(type, 0, null, null, items), format, List.of());
                }));
    }

    /** What a delete did: removed the object ({@code gone}), or marked it for deletion. */
    record Result(HasMetadata object, boolean gone) {
    }

    /**
     * Deletes one object, or marks it for deletion. The preconditions and admission are checked on the state that is
     * deleted, inside the compare-and-swap.
     */
    Mono<Result> deleteOne(Requester who, ResourceType type, String namespace, String name, DeleteOptions options,
                           boolean dryRun) {
        Consumer<HasMetadata> admit = obj -> {
            checkPreconditions(type, name, options.getPreconditions(), obj);
            ctx.admission().admitDelete(who, type, obj);
        };
        return Async.mono(() -> ctx.store().get(type, namespace, name)).flatMap(current -> {
            HasMetadata obj = current.object();
            admit.accept(obj);
            Instant now = ctx.clock().instant();
            long grace = gracePeriod(obj, options);
            List<String> finalizers = new ArrayList<>(obj.getMetadata().getFinalizers() == null ? List.of()
                    : obj.getMetadata().getFinalizers());
            String policy = options.getPropagationPolicy();
            if ("Foreground".equals(policy) && !finalizers.contains("foregroundDeletion")) {
                finalizers.add("foregroundDeletion");
            } else if (("Orphan".equals(policy) || Boolean.TRUE.equals(options.getOrphanDependents()))
                    && !finalizers.contains("orphan")) {
                finalizers.add("orphan");
            }
            boolean namespaceObject = obj instanceof Namespace;
            if (namespaceObject || !finalizers.isEmpty() || grace > 0) {
                return markForDeletion(type, namespace, name, admit, finalizers, grace, now, dryRun, current);
            }
            if (dryRun) {
                return Mono.just(new Result(obj, true));
            }
            return Async.mono(() -> ctx.store().delete(type, namespace, name, admit, null))
                    .map(deleted -> new Result(deleted.object(), true));
        });
    }

    private Mono<Result> markForDeletion(ResourceType type, String namespace, String name,
                                         Consumer<HasMetadata> admit, List<String> finalizers, long grace,
                                         Instant now, boolean dryRun, Stored current) {
        java.util.function.UnaryOperator<HasMetadata> mark = obj -> {
            admit.accept(obj);
            var meta = obj.getMetadata();
            if (meta.getDeletionTimestamp() == null) {
                meta.setDeletionTimestamp(Strategy.timestamp(now.plusSeconds(grace)));
                meta.setDeletionGracePeriodSeconds(grace);
            } else if (meta.getDeletionGracePeriodSeconds() != null && grace < meta.getDeletionGracePeriodSeconds()) {
                // a shorter grace period brings the deadline forward, never back
                meta.setDeletionTimestamp(Strategy.timestamp(now.plusSeconds(grace)));
                meta.setDeletionGracePeriodSeconds(grace);
            }
            List<String> merged = new ArrayList<>(meta.getFinalizers() == null ? List.of() : meta.getFinalizers());
            for (String f : finalizers) {
                if (!merged.contains(f)) {
                    merged.add(f);
                }
            }
            meta.setFinalizers(merged.isEmpty() ? null : merged);
            if (obj instanceof Namespace ns) {
                if (ns.getStatus() == null) {
                    ns.setStatus(new NamespaceStatus());
                }
                ns.getStatus().setPhase("Terminating");
            }
            meta.setResourceVersion(null);
            return obj;
        };
        if (dryRun) {
            HasMetadata obj = mark.apply(current.object());
            obj.getMetadata().setResourceVersion(Long.toString(current.revision()));
            return Mono.just(new Result(obj, false));
        }
        // an already terminating namespace passes through here too: the mark is then a no-op that writes nothing,
        // and the namespace goes if nothing holds it any more (Kubernetes' namespace storage deletes it then)
        return Async.mono(() -> ctx.store().guaranteedUpdate(type, namespace, name, mark, current))
                .flatMap(stored -> removeIfFinalized(type, stored)
                        .map(gone -> new Result(stored.object(), gone)));
    }

    /** Completes a deletion whose last finalizer was just removed (and whose grace period is over). */
    Mono<Stored> finishIfFinalized(ResourceType type, Stored stored) {
        return removeIfFinalized(type, stored).thenReturn(stored);
    }

    /**
     * Removes an object marked for deletion once nothing holds it: no finalizers, grace period over, and for a
     * Namespace no {@code spec.finalizers} either (the namespace controller's {@code kubernetes} finalizer goes
     * through {@code /finalize}). Only the very state given is removed: if the object changed meanwhile, whoever
     * changed it decides. Emits whether it removed the object.
     */
    private Mono<Boolean> removeIfFinalized(ResourceType type, Stored stored) {
        HasMetadata obj = stored.object();
        var meta = obj.getMetadata();
        boolean noFinalizers = meta.getFinalizers() == null || meta.getFinalizers().isEmpty();
        boolean graceOver = meta.getDeletionGracePeriodSeconds() == null || meta.getDeletionGracePeriodSeconds() == 0;
        if (meta.getDeletionTimestamp() == null || !noFinalizers || !graceOver || holdsSpecFinalizers(obj)) {
            return Mono.just(false);
        }
        long revision = stored.revision();
        return Async.mono(() -> ctx.store().delete(type, meta.getNamespace(), meta.getName(), current -> {
                    if (ResourceVersions.parse(current.getMetadata().getResourceVersion()) != revision) {
                        throw StatusErrors.modifiedConflict(type, meta.getName());
                    }
                }, stored))
                .map(deleted -> true)
                .onErrorResume(e -> Mono.just(false));
    }

    private static boolean holdsSpecFinalizers(HasMetadata obj) {
        return obj instanceof Namespace ns && ns.getSpec() != null && ns.getSpec().getFinalizers() != null
                && !ns.getSpec().getFinalizers().isEmpty();
    }

    /** The grace period of this delete: 0 for everything but running pods bound to a node. */
    private static long gracePeriod(HasMetadata obj, DeleteOptions options) {
        if (!(obj instanceof Pod pod)) {
            return 0;
        }
        boolean unbound = pod.getSpec() == null || pod.getSpec().getNodeName() == null
                || pod.getSpec().getNodeName().isEmpty();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (unbound || "Succeeded".equals(phase) || "Failed".equals(phase)) {
            return 0;
        }
        if (options.getGracePeriodSeconds() != null) {
            return Math.max(0, options.getGracePeriodSeconds());
        }
        Long spec = pod.getSpec().getTerminationGracePeriodSeconds();
        return spec == null ? 30 : Math.max(0, spec);
    }

    private static void checkPreconditions(ResourceType type, String name, Preconditions pre, HasMetadata obj) {
        if (pre == null) {
            return;
        }
        if (pre.getUid() != null && !pre.getUid().equals(obj.getMetadata().getUid())) {
            throw StatusErrors.conflict(type, name, "Precondition failed: UID in precondition: " + pre.getUid()
                    + ", UID in object meta: " + obj.getMetadata().getUid());
        }
        if (pre.getResourceVersion() != null
                && !pre.getResourceVersion().equals(obj.getMetadata().getResourceVersion())) {
            throw StatusErrors.conflict(type, name, "Precondition failed: ResourceVersion in precondition: "
                    + pre.getResourceVersion() + ", ResourceVersion in object meta: "
                    + obj.getMetadata().getResourceVersion());
        }
    }

    /**
     * DeleteOptions from the body (if any; JSON, or protobuf when the Content-Type says so) with query parameters
     * overriding, as Kubernetes reads them.
     */
    private Mono<DeleteOptions> options(ServerRequest request) {
        return Bodies.read(request, ctx.props().maxRequestBody().toBytes()).map(body -> {
            DeleteOptions options;
            if (body.length == 0) {
                options = new DeleteOptions();
            } else {
                try {
                    if (io.berth.apiserver.protobuf.ProtobufBodies.isProtobuf(
                            request.headers().firstHeader("Content-Type"))) {
                        tools.jackson.databind.JsonNode tree = io.berth.apiserver.protobuf.ProtobufBodies.decode(body);
                        if (!"DeleteOptions".equals(tree.path("kind").asString(""))) {
                            throw StatusErrors.badRequest("couldn't decode DeleteOptions: the body holds a "
                                    + tree.path("kind").asString(""));
                        }
                        options = Json.convert(tree, DeleteOptions.class);
                    } else {
                        options = Json.read(body, DeleteOptions.class);
                    }
                } catch (JacksonException e) {
                    throw StatusErrors.badRequest("couldn't decode DeleteOptions: " + ObjectDecoder.describe(e));
                }
            }
            request.queryParam("gracePeriodSeconds").filter(s -> !s.isEmpty()).ifPresent(v -> {
                try {
                    options.setGracePeriodSeconds(Long.parseLong(v));
                } catch (NumberFormatException e) {
                    throw StatusErrors.badRequest("gracePeriodSeconds: Invalid value: \"" + v + "\"");
                }
            });
            request.queryParam("propagationPolicy").filter(s -> !s.isEmpty()).ifPresent(options::setPropagationPolicy);
            String policy = options.getPropagationPolicy();
            if (policy != null && !List.of("Orphan", "Background", "Foreground").contains(policy)) {
                throw StatusErrors.badRequest("propagationPolicy: Unsupported value: \"" + policy
                        + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
            }
            return options;
        });
    }
}
