package io.berth.apiserver.rest;

import io.berth.apimachinery.request.RequestInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.patch.JsonPatches;
import io.berth.apimachinery.patch.MergePatch;
import io.berth.apimachinery.patch.StrategicMergePatch;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.schema.Schemas;
import io.berth.apiserver.auth.Requester;
import io.berth.apiserver.storage.ResourceVersions;
import io.berth.apiserver.storage.Stored;
import io.berth.apiserver.strategy.Defaults;
import io.berth.apiserver.strategy.Strategy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * create, update (PUT) and patch of the main resource and of {@code /status}: decode, default, prepare, admit,
 * validate, write. Nothing is written unless every step passed; a rejected request leaves etcd's revision as it was.
 */
final class Writes {

    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiContext ctx;
    private final Deletes deletes;

    Writes(ApiContext ctx, Deletes deletes) {
        this.ctx = ctx;
        this.deletes = deletes;
    }

    Mono<ServerResponse> create(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format) {
        if (!type.verbs().contains("create")) {
            return Mono.error(StatusErrors.methodNotAllowed("the server does not allow this method on the requested resource"));
        }
        FieldValidation validation = FieldValidation.parse(request.queryParam("fieldValidation").orElse(""));
        boolean dryRun = dryRun(request);
        Requester who = Requester.from(request);
        Bodies.Kind kind = Bodies.objectKind(request.headers().firstHeader("Content-Type"));
        return Bodies.read(request, ctx.props().maxRequestBody().toBytes()).flatMap(body -> {
            ObjectDecoder.Decoded decoded = ObjectDecoder.decode(type, body, kind, validation);
            HasMetadata obj = decoded.object();
            ObjectMeta meta = obj.getMetadata();
            if (type.namespaced()) {
                if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
                    meta.setNamespace(info.namespace());
                } else if (!meta.getNamespace().equals(info.namespace())) {
                    throw StatusErrors.badRequest("the namespace of the provided object does not match the namespace "
                            + "sent on the request");
                }
            } else {
                meta.setNamespace(null);
            }
            boolean generated = (meta.getName() == null || meta.getName().isEmpty())
                    && meta.getGenerateName() != null && !meta.getGenerateName().isEmpty();
            if (meta.getName() == null || meta.getName().isEmpty()) {
                if (!generated) {
                    throw StatusErrors.invalid(type, "", List.of(FieldError.required("metadata.name",
                            "name or generateName is required")));
                }
                meta.setName(generateName(meta.getGenerateName()));
            }
            Defaults.apply(obj);
            Strategy.prepareForCreate(type, obj, ctx.clock().instant());
            return Async.mono(() -> ctx.admission().admitCreate(who, type, obj))
                    .then(Mono.fromCallable(() -> {
                        ctx.admission().validateCreate(who, type, obj);
                        return obj;
                    }))
                    .flatMap(valid -> {
                        if (dryRun) {
                            return Responses.object(201, valid, format, decoded.warnings());
                        }
                        return Async.mono(() -> write(type, valid, generated, 0))
                                .flatMap(stored -> Responses.json(201,
                                        ResourceVersions.inject(stored.data(), stored.revision()), format,
                                        decoded.warnings()));
                    });
        });
    }

    private CompletableFuture<Stored> write(ResourceType type, HasMetadata obj, boolean generated, int attempt) {
        CompletableFuture<Long> lease = type.kind().equals("Event") && type.group().isEmpty()
                ? ctx.eventLeases().lease() : CompletableFuture.completedFuture(0L);
        return lease.thenCompose(id -> ctx.store().create(type, obj, id))
                .exceptionallyCompose(error -> {
                    Throwable e = io.berth.apiserver.storage.EtcdErrors.unwrap(error);
                    if (generated && attempt < 8 && e instanceof ApiException api && api.code() == 409) {
                        String prefix = obj.getMetadata().getGenerateName();
                        obj.getMetadata().setName(generateName(prefix));
                        return write(type, obj, true, attempt + 1);
                    }
                    return CompletableFuture.failedFuture(e);
                });
    }

    static String generateName(String prefix) {
        String base = prefix.length() > 58 ? prefix.substring(0, 58) : prefix;
        StringBuilder sb = new StringBuilder(base);
        for (int i = 0; i < 5; i++) {
            sb.append(NAME_CHARS.charAt(RANDOM.nextInt(NAME_CHARS.length())));
        }
        return sb.toString();
    }

    static boolean dryRun(ServerRequest request) {
        List<String> values = request.queryParams().getOrDefault("dryRun", List.of());
        for (String v : values) {
            if (!v.equals("All")) {
                throw StatusErrors.badRequest("dryRun: Unsupported value: \"" + v + "\": supported values: \"All\"");
            }
        }
        return !values.isEmpty();
    }

    /** PUT of the main resource ({@code status == false}) or of {@code /status}. */
    Mono<ServerResponse> update(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format,
                                boolean status) {
        FieldValidation validation = FieldValidation.parse(request.queryParam("fieldValidation").orElse(""));
        Bodies.Kind kind = Bodies.objectKind(request.headers().firstHeader("Content-Type"));
        boolean dryRun = dryRun(request);
        Requester who = Requester.from(request);
        return Bodies.read(request, ctx.props().maxRequestBody().toBytes()).flatMap(body -> {
            ObjectDecoder.Decoded decoded = ObjectDecoder.decode(type, body, kind, validation);
            HasMetadata requested = decoded.object();
            checkIdentity(info, type, requested);
            long clientRv = ResourceVersions.parse(requested.getMetadata().getResourceVersion());
            UnaryOperator<HasMetadata> tryUpdate = current -> {
                if (clientRv != 0 && clientRv != ResourceVersions.parse(current.getMetadata().getResourceVersion())) {
                    throw StatusErrors.modifiedConflict(type, info.name());
                }
                HasMetadata next = Json.deepCopy(requested);
                return prepare(who, type, next, current, status);
            };
            return apply(who, type, info, tryUpdate, format, decoded::warnings, dryRun);
        });
    }

    /** PATCH of the main resource or of {@code /status}. */
    Mono<ServerResponse> patch(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format,
                               boolean status) {
        FieldValidation validation = FieldValidation.parse(request.queryParam("fieldValidation").orElse(""));
        Bodies.Kind kind = Bodies.patchKind(request.headers().firstHeader("Content-Type"));
        if (kind == Bodies.Kind.APPLY_PATCH) {
            return Mono.error(StatusErrors.unsupportedPatchType(request.headers().firstHeader("Content-Type")
                    + "; server-side apply is not supported yet, use kubectl apply without --server-side"));
        }
        boolean dryRun = dryRun(request);
        Requester who = Requester.from(request);
        return Bodies.read(request, ctx.props().maxRequestBody().toBytes()).flatMap(body -> {
            JsonNode patch = Bodies.parse(body, Bodies.Kind.JSON, validation == FieldValidation.STRICT);
            AtomicReference<List<String>> warnings = new AtomicReference<>(List.of());
            UnaryOperator<HasMetadata> tryUpdate = current -> {
                JsonNode patched = applyPatch(type, kind, Json.toTree(current), patch);
                ObjectDecoder.Decoded decoded = ObjectDecoder.fromTree(type, patched, validation, true);
                warnings.set(decoded.warnings());
                HasMetadata next = decoded.object();
                String rv = next.getMetadata().getResourceVersion();
                if (rv != null && !rv.isEmpty() && !rv.equals(current.getMetadata().getResourceVersion())) {
                    throw StatusErrors.modifiedConflict(type, info.name());
                }
                checkIdentity(info, type, next);
                return prepare(who, type, next, current, status);
            };
            return apply(who, type, info, tryUpdate, format, warnings::get, dryRun);
        });
    }

    static JsonNode applyPatch(ResourceType type, Bodies.Kind kind, JsonNode current, JsonNode patch) {
        return switch (kind) {
            case JSON_PATCH -> JsonPatches.apply(current, patch);
            case MERGE_PATCH -> MergePatch.apply(current, patch);
            case STRATEGIC_MERGE_PATCH -> StrategicMergePatch.apply(current, patch, Schemas.of(type.type()));
            default -> throw StatusErrors.unsupportedPatchType(kind.name());
        };
    }

    private HasMetadata prepare(Requester who, ResourceType type, HasMetadata next, HasMetadata current,
                                boolean status) {
        if (status) {
            HasMetadata result = Strategy.statusUpdate(next, Json.deepCopy(current));
            result.getMetadata().setResourceVersion(null);
            ctx.admission().validateUpdate(who, type, "status", result, current);
            return result;
        }
        Defaults.apply(next);
        ctx.admission().admitUpdate(type, next, current);
        Strategy.prepareForUpdate(type, next, current);
        ctx.admission().validateUpdate(who, type, "", next, current);
        next.getMetadata().setResourceVersion(null);
        return next;
    }

    private Mono<ServerResponse> apply(Requester who, ResourceType type, RequestInfo info,
                                       UnaryOperator<HasMetadata> tryUpdate, OutputFormat format,
                                       Supplier<List<String>> warnings, boolean dryRun) {
        Mono<Void> prepared = Async.mono(() -> ctx.admission().prepareWrite(who, type));
        if (dryRun) {
            return prepared.then(Async.mono(() -> ctx.store().get(type, info.namespace(), info.name())))
                    .flatMap(current -> {
                        HasMetadata next = tryUpdate.apply(current.object());
                        next.getMetadata().setResourceVersion(Long.toString(current.revision()));
                        return Responses.object(200, next, format, warnings.get());
                    });
        }
        return prepared.then(Async.mono(() -> ctx.store().guaranteedUpdate(type, info.namespace(), info.name(),
                        tryUpdate, null)))
                .flatMap(stored -> deletes.finishIfFinalized(type, stored))
                .flatMap(stored -> Responses.json(200, ResourceVersions.inject(stored.data(), stored.revision()),
                        format, warnings.get()));
    }

    /** The name and namespace in the body must be the URL's (400 otherwise, as Kubernetes). */
    private static void checkIdentity(RequestInfo info, ResourceType type, HasMetadata obj) {
        ObjectMeta meta = obj.getMetadata();
        if (meta.getName() == null || meta.getName().isEmpty()) {
            meta.setName(info.name());
        } else if (!meta.getName().equals(info.name())) {
            throw StatusErrors.badRequest("the name of the object (" + meta.getName()
                    + ") does not match the name on the URL (" + info.name() + ")");
        }
        if (type.namespaced()) {
            if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
                meta.setNamespace(info.namespace());
            } else if (!meta.getNamespace().equals(info.namespace())) {
                throw StatusErrors.badRequest("the namespace of the provided object does not match the namespace "
                        + "sent on the request");
            }
        } else {
            meta.setNamespace(null);
        }
    }
}
