package io.berth.apiserver.openapi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain-HTTP stand-in for the api-service, enough for {@code kubectl explain}, {@code create} and {@code apply}:
 * legacy (unaggregated) discovery built from the registry, {@code /version}, the {@link OpenApiDocuments}, and a
 * naive object store (POST stores, GET reads, PATCH is recorded and answers the stored object).
 * Records every request line.
 */
final class StubApiServer implements AutoCloseable {

    private final HttpServer server;
    private final ResourceRegistry registry;
    private final OpenApiDocuments documents;
    private final Map<String, byte[]> discovery = new ConcurrentHashMap<>();
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    /** Request lines, {@code GET /api/v1?timeout=32s}. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** PATCH requests as {@code <content type> <body>}. */
    final List<String> patches = new CopyOnWriteArrayList<>();

    StubApiServer(ResourceRegistry registry, OpenApiDocuments documents) throws IOException {
        this.registry = registry;
        this.documents = documents;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        buildDiscovery();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            String method = exchange.getRequestMethod();
            if (method.equals("POST")) {
                // A create stores the object as sent: enough for kubectl create and a later kubectl apply.
                byte[] created = exchange.getRequestBody().readAllBytes();
                String name = Json.tree(created).path("metadata").path("name").asString();
                objects.put(path + "/" + name, created);
                respond(exchange, 201, created);
                return;
            }
            if (method.equals("PATCH")) {
                patches.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                        + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                byte[] stored = objects.get(path);
                respond(exchange, stored == null ? 404 : 200, stored == null ? Json.write(notFound(path)) : stored);
                return;
            }
            if (objects.containsKey(path)) {
                respond(exchange, 200, objects.get(path));
                return;
            }
            Optional<byte[]> body = Optional.ofNullable(discovery.get(path));
            if (body.isEmpty() && path.equals("/openapi/v3")) {
                body = Optional.of(documents.v3Root().body());
            } else if (body.isEmpty() && path.startsWith("/openapi/v3/")) {
                body = documents.v3(path).map(OpenApiContent::body);
            } else if (body.isEmpty() && path.equals("/openapi/v2")) {
                body = Optional.of(documents.v2().body());
            }
            respond(exchange, body.isPresent() ? 200 : 404, body.orElseGet(() -> Json.write(notFound(path))));
        }
    }

    private static void respond(HttpExchange exchange, int code, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void buildDiscovery() {
        ObjectNode version = Json.object();
        version.put("major", "1");
        version.put("minor", "32");
        version.put("gitVersion", "v1.32.0-berth");
        version.put("platform", "linux/amd64");
        discovery.put("/version", Json.write(version));

        ObjectNode api = Json.object();
        api.put("kind", "APIVersions");
        api.putArray("versions").add("v1");
        ObjectNode cidr = api.putArray("serverAddressByClientCIDRs").addObject();
        cidr.put("clientCIDR", "0.0.0.0/0");
        cidr.put("serverAddress", "127.0.0.1:" + server.getAddress().getPort());
        discovery.put("/api", Json.write(api));

        ObjectNode apis = Json.object();
        apis.put("kind", "APIGroupList");
        apis.put("apiVersion", "v1");
        ArrayNode groups = apis.putArray("groups");
        for (String group : registry.groups()) {
            List<String> versions = registry.versions(group);
            if (!group.isEmpty()) {
                ObjectNode g = groups.addObject();
                g.put("name", group);
                ArrayNode vs = g.putArray("versions");
                versions.forEach(v -> vs.addObject().put("groupVersion", group + "/" + v).put("version", v));
                g.putObject("preferredVersion").put("groupVersion", group + "/" + versions.get(0))
                        .put("version", versions.get(0));
            }
            for (String v : versions) {
                String prefix = group.isEmpty() ? "/api/" + v : "/apis/" + group + "/" + v;
                discovery.put(prefix, Json.write(resourceList(group, v)));
            }
        }
        discovery.put("/apis", Json.write(apis));
    }

    private ObjectNode resourceList(String group, String version) {
        ObjectNode list = Json.object();
        list.put("kind", "APIResourceList");
        list.put("apiVersion", "v1");
        list.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode resources = list.putArray("resources");
        for (ResourceType t : registry.resources(group, version)) {
            ObjectNode r = resources.addObject();
            r.put("name", t.resource());
            r.put("singularName", t.singular());
            r.put("namespaced", t.namespaced());
            r.put("kind", t.kind());
            ArrayNode verbs = r.putArray("verbs");
            new TreeSet<>(t.verbs()).forEach(verbs::add);
            ArrayNode shortNames = r.putArray("shortNames");
            t.shortNames().forEach(shortNames::add);
            List<String> subresources = new ArrayList<>(new TreeSet<>(t.subresources()));
            for (String sub : subresources) {
                ObjectNode s = resources.addObject();
                s.put("name", t.resource() + "/" + sub);
                s.put("singularName", "");
                s.put("namespaced", t.namespaced());
                s.put("kind", switch (sub) {
                    case "scale" -> "Scale";
                    case "binding" -> "Binding";
                    case "exec" -> "PodExecOptions";
                    default -> t.kind();
                });
                ArrayNode subVerbs = s.putArray("verbs");
                (switch (sub) {
                    case "binding" -> List.of("create");
                    case "log" -> List.of("get");
                    case "exec" -> List.of("create", "get");
                    default -> List.of("get", "patch", "update");
                }).forEach(subVerbs::add);
            }
        }
        return list;
    }

    private static ObjectNode notFound(String path) {
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("status", "Failure");
        status.put("message", "the server could not find the requested resource " + path);
        status.put("reason", "NotFound");
        status.put("code", 404);
        return status;
    }
}
