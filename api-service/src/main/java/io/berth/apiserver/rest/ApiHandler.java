package io.berth.apiserver.rest;

import io.berth.apimachinery.request.RequestInfo;
import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.auth.FrontProxyAuthenticator;
import io.berth.apiserver.auth.Requester;
import io.berth.apiserver.credentials.Credentials;
import io.berth.apiserver.credentials.TokenRequestRules;
import io.berth.apiserver.nodeagent.NodeAgentClient;
import io.berth.apiserver.openapi.OpenApiDocuments;
import io.berth.apiserver.storage.EtcdErrors;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The single entry point of the Kubernetes API: parses the request's attributes and dispatches by verb and
 * subresource. Every failure becomes a Kubernetes {@code Status}; an unexpected one is logged and answered with 500
 * InternalError, never leaked as a stack trace.
 */
public final class ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    private final ApiContext ctx;
    private final Reads reads;
    private final Writes writes;
    private final Deletes deletes;
    private final Subresources subresources;
    private final Watches watches;
    private final NonResource nonResource;
    private final Reviews reviews;
    private final ApiMetrics metrics;
    private final Credentials credentials;
    private final PodStreams podStreams;

    /** The handler over the given storage, caches and admission chain. */
    public static ApiHandler create(io.berth.apimachinery.registry.ResourceRegistry registry,
                                    io.berth.apiserver.storage.EtcdStore store,
                                    io.berth.apiserver.watch.WatchCaches caches,
                                    io.berth.apiserver.admission.Admission admission,
                                    io.berth.apiserver.housekeeping.EventLeases leases,
                                    io.berth.apiserver.config.ApiServerProperties props,
                                    java.time.Clock clock, OpenApiDocuments openApi, ApiMetrics metrics,
                                    Credentials credentials, NodeAgentClient agents) {
        return new ApiHandler(new ApiContext(registry, store, caches, admission, leases, props, clock), openApi,
                metrics, credentials, agents);
    }

    ApiHandler(ApiContext ctx, OpenApiDocuments openApi, ApiMetrics metrics, Credentials credentials,
               NodeAgentClient agents) {
        this.ctx = ctx;
        this.metrics = metrics;
        this.credentials = credentials;
        this.reads = new Reads(ctx);
        this.deletes = new Deletes(ctx);
        this.writes = new Writes(ctx, deletes);
        this.subresources = new Subresources(ctx, deletes);
        this.watches = new Watches(ctx);
        this.reviews = new Reviews(ctx);
        this.podStreams = new PodStreams(ctx, agents);
        this.nonResource = new NonResource(ctx, new Discovery(ctx.registry()), openApi, credentials.openId());
    }

    public Mono<ServerResponse> handle(ServerRequest request) {
        long start = System.nanoTime();
        return Mono.defer(() -> dispatch(request)).onErrorResume(ApiHandler::toStatus)
                .doOnNext(response -> metrics.record(RequestInfo.parse(request.method().name(), request.path(),
                        request.queryParam("watch").orElse(null)), response.statusCode().value(), start));
    }

    static Mono<ServerResponse> toStatus(Throwable error) {
        Throwable e = EtcdErrors.unwrap(error);
        if (e instanceof ApiException api) {
            return Responses.error(api);
        }
        if (e instanceof JacksonException jackson) {
            return Responses.error(StatusErrors.badRequest(ObjectDecoder.describe(jackson)));
        }
        if (e.getClass().getName().startsWith("io.etcd") || e.getClass().getName().startsWith("io.grpc")) {
            return Responses.error((ApiException) EtcdErrors.translate(e));
        }
        if (isClientGone(e)) {
            log.debug("client went away: {}", e.toString());
            return Responses.error(StatusErrors.serviceUnavailable("the connection was closed"));
        }
        log.error("unexpected error serving a request", e);
        return Responses.error(StatusErrors.internal(e.getClass().getSimpleName()));
    }

    /** A client that disconnected mid-request is not a server error. */
    static boolean isClientGone(Throwable e) {
        return e instanceof reactor.netty.channel.AbortedException
                || e instanceof java.nio.channels.ClosedChannelException
                || (e instanceof java.io.IOException && String.valueOf(e.getMessage()).contains("Connection reset"));
    }

    private Mono<ServerResponse> dispatch(ServerRequest request) {
        RequestInfo info = RequestInfo.parse(request.method().name(), request.path(),
                request.queryParam("watch").orElse(null));
        if (!info.resourceRequest()) {
            return nonResource.handle(request, info);
        }
        Optional<ResourceType> found = ctx.registry().find(info.group(), info.version(), info.resource());
        if (found.isEmpty() || info.verb().isEmpty()) {
            return Mono.error(StatusErrors.noSuchResource());
        }
        ResourceType type = found.get();
        // a cluster-scoped resource has no namespaced path; the only namespace in a Namespace's path is its own name
        // (/namespaces/{n}[/status]), never /namespaces/{x}/namespaces/{y}, which would be authorized in x
        if (!type.namespaced() && !info.namespace().isEmpty()
                && !(type.resource().equals("namespaces") && info.namespace().equals(info.name()))) {
            return Mono.error(StatusErrors.noSuchResource());
        }
        String sub = info.subresource();
        if (!sub.isEmpty() && !type.hasSubresource(sub)) {
            return Mono.error(StatusErrors.noSuchResource());
        }
        if (!type.stored()) {
            return reviews.create(request, info, type, OutputFormat.negotiate(request.headers().firstHeader("Accept")));
        }
        if (type.namespaced() && info.namespace().isEmpty() && !info.name().isEmpty()) {
            return Mono.error(StatusErrors.noSuchResource());
        }
        OutputFormat format = OutputFormat.negotiate(request.headers().firstHeader("Accept"));
        return switch (sub) {
            case "" -> main(request, info, type, format);
            case "status" -> status(request, info, type, format);
            case "scale" -> scale(request, info, type, format);
            case "finalize" -> info.verb().equals("update")
                    ? subresources.finalizeNamespace(request, info, type, format)
                    : Mono.error(methodNotAllowed());
            case "binding" -> info.verb().equals("create")
                    ? subresources.bind(request, info, type)
                    : Mono.error(methodNotAllowed());
            case "token" -> info.verb().equals("create")
                    ? token(request, info, type, format)
                    : Mono.error(methodNotAllowed());
            case "log" -> info.verb().equals("get")
                    ? podStreams.log(request, info, type)
                    : Mono.error(methodNotAllowed());
            // GET is the WebSocket handshake; POST is SPDY's, which PodStreams refuses with a clear Status
            case "exec" -> info.verb().equals("get") || info.verb().equals("create")
                    ? podStreams.exec(request, info, type)
                    : Mono.error(methodNotAllowed());
            default -> Mono.error(StatusErrors.noSuchResource());
        };
    }

    /** serviceaccounts/token (TokenRequest) and Berth's nodes/token (node registration); see the credentials package. */
    private Mono<ServerResponse> token(ServerRequest request, RequestInfo info, ResourceType type,
                                       OutputFormat format) {
        FieldValidation validation = FieldValidation.parse(request.queryParam("fieldValidation").orElse(""));
        boolean dryRun = Writes.dryRun(request);
        Bodies.Kind kind = Bodies.objectKind(request.headers().firstHeader("Content-Type"));
        Requester who = Requester.from(request);
        return Bodies.read(request, ctx.props().maxRequestBody().toBytes()).flatMap(body -> {
            ObjectDecoder.Decoded decoded = ObjectDecoder.decode(TokenRequestRules.TYPE, body, kind, validation);
            TokenRequest tokenRequest = (TokenRequest) decoded.object();
            return Async.mono(() -> {
                        if (type.resource().equals("nodes")) {
                            ctx.admission().admitNodeToken(who, info.name());
                            return credentials.nodeCredentials().issue(info.name(), tokenRequest, who.user().name(),
                                    dryRun);
                        }
                        return ctx.admission().admitTokenRequest(who, info.namespace(), info.name(), tokenRequest)
                                .thenCompose(admitted -> credentials.serviceAccountTokens().issue(info.namespace(),
                                        info.name(), tokenRequest));
                    })
                    .flatMap(issued -> Responses.object(201, issued.request(), format,
                            Stream.concat(decoded.warnings().stream(), issued.warnings().stream()).toList()));
        });
    }

    private Mono<ServerResponse> main(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format) {
        if (type.namespaced() && info.namespace().isEmpty() && !List.of("list", "watch").contains(info.verb())) {
            return Mono.error(StatusErrors.noSuchResource());
        }
        return switch (info.verb()) {
            case "get" -> reads.get(request, info, type, format);
            case "list" -> reads.list(request, info, type, format);
            case "watch" -> watches.watch(request, info, type, format);
            // a create names its object in the body; POST to a named path would let resourceNames rules create others
            case "create" -> info.name().isEmpty() ? writes.create(request, info, type, format)
                    : Mono.error(methodNotAllowed());
            case "update" -> writes.update(request, info, type, format, false);
            case "patch" -> writes.patch(request, info, type, format, false);
            case "delete" -> deletes.delete(request, info, type, format);
            case "deletecollection" -> deletes.deleteCollection(request, info, type, format);
            default -> Mono.error(methodNotAllowed());
        };
    }

    private Mono<ServerResponse> status(ServerRequest request, RequestInfo info, ResourceType type,
                                        OutputFormat format) {
        return switch (info.verb()) {
            case "get" -> reads.get(request, info, type, format);
            case "update" -> writes.update(request, info, type, format, true);
            case "patch" -> writes.patch(request, info, type, format, true);
            default -> Mono.error(methodNotAllowed());
        };
    }

    private Mono<ServerResponse> scale(ServerRequest request, RequestInfo info, ResourceType type,
                                       OutputFormat format) {
        return switch (info.verb()) {
            case "get" -> subresources.getScale(info, type, format);
            case "update" -> subresources.writeScale(request, info, type, format, false);
            case "patch" -> subresources.writeScale(request, info, type, format, true);
            default -> Mono.error(methodNotAllowed());
        };
    }

    private static ApiException methodNotAllowed() {
        return StatusErrors.methodNotAllowed("the server does not allow this method on the requested resource");
    }
}
