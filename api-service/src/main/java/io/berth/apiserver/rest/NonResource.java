package io.berth.apiserver.rest;

import io.berth.apimachinery.request.RequestInfo;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import io.berth.apiserver.credentials.OpenIdMetadata;
import io.berth.apiserver.openapi.OpenApiContent;
import io.berth.apiserver.openapi.OpenApiDocuments;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Paths outside the resource tree: discovery, {@code /version}, {@code /healthz}, {@code /livez}, {@code /readyz},
 * the OpenAPI documents and the service-account issuer's OIDC discovery documents.
 */
final class NonResource {

    static final String KUBERNETES_VERSION = "v1.32.0";

    private final ApiContext ctx;
    private final Discovery discovery;
    private final OpenApiDocuments openApi;
    private final byte[] version;
    private final Optional<OpenIdMetadata> openId;

    NonResource(ApiContext ctx, Discovery discovery, OpenApiDocuments openApi, Optional<OpenIdMetadata> openId) {
        this.ctx = ctx;
        this.discovery = discovery;
        this.openApi = openApi;
        this.openId = openId;
        ObjectNode v = Json.object();
        v.put("major", "1");
        v.put("minor", "32");
        v.put("gitVersion", KUBERNETES_VERSION + "+berth");
        v.put("gitCommit", "berth");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "2026-11-27T00:00:00Z");
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "javac");
        v.put("platform", System.getProperty("os.name").toLowerCase() + "/" + arch());
        this.version = Json.write(v);
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("x86_64") || a.equals("amd64") ? "amd64" : a.equals("aarch64") ? "arm64" : a;
    }

    Mono<ServerResponse> handle(ServerRequest request, RequestInfo info) {
        if (!request.method().name().equals("GET") && !request.method().name().equals("HEAD")) {
            return Mono.error(StatusErrors.methodNotAllowed("the server does not allow this method on the requested resource"));
        }
        String path = request.path().replaceAll("/+$", "");
        if (path.isEmpty()) {
            path = "/";
        }
        if (path.equals("/healthz") || path.equals("/livez") || path.startsWith("/healthz/")
                || path.startsWith("/livez/")) {
            return text(200, "ok");
        }
        if (path.equals("/readyz") || path.startsWith("/readyz/")) {
            return ctx.caches().isReady() ? text(200, "ok")
                    : text(500, "[-]informer-sync failed: the watch caches are not loaded yet\nreadyz check failed");
        }
        if (path.equals("/version")) {
            return json(version);
        }
        if (path.equals("/api")) {
            return json(discovery.api());
        }
        if (path.equals("/apis")) {
            return json(discovery.apis());
        }
        if (openId.isPresent() && path.equals(OpenIdMetadata.CONFIG_PATH)) {
            return openIdDocument(openId.get().configuration(), OpenIdMetadata.CONFIG_CONTENT_TYPE);
        }
        if (openId.isPresent() && path.equals(OpenIdMetadata.JWKS_PATH)) {
            return openIdDocument(openId.get().keySet(), OpenIdMetadata.JWKS_CONTENT_TYPE);
        }
        if (path.equals("/openapi/v2")) {
            if (acceptsOnlyProtobuf(request.headers().firstHeader("Accept"))) {
                return Mono.error(StatusErrors.notAcceptable("only application/json is served for /openapi/v2"));
            }
            return openApi(request, openApi.v2(), false);
        }
        if (path.equals("/openapi/v3")) {
            return openApi(request, openApi.v3Root(), false);
        }
        if (path.startsWith("/openapi/v3/")) {
            return openApi.v3(path.substring("/openapi/v3/".length()))
                    .map(content -> openApi(request, content, request.queryParam("hash")
                            .map(h -> h.equals(content.hash())).orElse(false)))
                    .orElseGet(() -> Mono.error(StatusErrors.noSuchResource()));
        }
        String[] parts = path.substring(1).split("/");
        if (parts.length == 2 && parts[0].equals("api")) {
            return discovery.resources("", parts[1]).map(NonResource::json)
                    .orElseGet(() -> Mono.error(StatusErrors.noSuchResource()));
        }
        if (parts.length == 2 && parts[0].equals("apis")) {
            return discovery.group(parts[1]).map(NonResource::json)
                    .orElseGet(() -> Mono.error(StatusErrors.noSuchResource()));
        }
        if (parts.length == 3 && parts[0].equals("apis")) {
            return discovery.resources(parts[1], parts[2]).map(NonResource::json)
                    .orElseGet(() -> Mono.error(StatusErrors.noSuchResource()));
        }
        return Mono.error(StatusErrors.noSuchResource());
    }

    /** An OpenAPI document with its ETag; immutable caching when the client asked for this exact hash. */
    private static Mono<ServerResponse> openApi(ServerRequest request, OpenApiContent content, boolean hashed) {
        String ifNoneMatch = request.headers().firstHeader("If-None-Match");
        ServerResponse.BodyBuilder builder = ServerResponse.status(
                        ifNoneMatch != null && content.matches(ifNoneMatch) ? 304 : 200)
                .header("ETag", content.etag())
                .header("Cache-Control", hashed ? "public, immutable" : "no-cache, private")
                .header("Content-Type", "application/json");
        return ifNoneMatch != null && content.matches(ifNoneMatch) ? builder.build() : builder.bodyValue(content.body());
    }

    private static boolean acceptsOnlyProtobuf(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        for (String part : accept.split(",")) {
            String type = part.split(";")[0].trim();
            if (type.equals("application/json") || type.equals("*/*") || type.equals("application/*")) {
                return false;
            }
        }
        return accept.contains("protobuf");
    }

    /** Service-account issuer discovery, with kube-apiserver's content types and caching. */
    private static Mono<ServerResponse> openIdDocument(byte[] body, String contentType) {
        return ServerResponse.ok().header("Content-Type", contentType)
                .header("Cache-Control", OpenIdMetadata.CACHE_CONTROL).bodyValue(body);
    }

    private static Mono<ServerResponse> json(byte[] body) {
        return Responses.bytes(200, body, "application/json", List.of());
    }

    private static Mono<ServerResponse> text(int code, String body) {
        return Responses.bytes(code, body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8", List.of());
    }
}
