package io.berth.apiserver.openapi;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI documents of the API Berth serves, as Kubernetes v1.32 publishes them: the {@code /openapi/v3}
 * root (one link per group-version, with a content hash), one OpenAPI 3.0 document per group-version
 * ({@code /openapi/v3/api/v1}, {@code /openapi/v3/apis/apps/v1}, ...) and the Swagger 2.0 document at
 * {@code /openapi/v2}. kubectl reads them for {@code explain}, for client-side field validation decisions
 * ({@code fieldValidation}) and for strategic merge patch metadata in {@code apply}.
 *
 * <p>Paths come from the {@link ResourceRegistry}; schemas from the fabric8 model via
 * {@link io.berth.apimachinery.schema.Schemas}, named, described and marked {@code required} as Kubernetes does
 * (texts from the official Kubernetes Java model, read without loading it).
 *
 * <p>Thread safe. Documents are built on first use (the v3 set at once, v2 separately), serialized with sorted
 * keys and cached; every later call returns the same bytes and hashes. Callers that care about the first
 * request's latency call {@link #v3Root()} (and {@link #v2()}) once at start-up, off the request path.
 */
public final class OpenApiDocuments {

    /** URL prefix of the group-version documents. */
    public static final String V3_PATH = "/openapi/v3";

    private static final System.Logger LOG = System.getLogger(OpenApiDocuments.class.getName());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ResourceRegistry registry;
    private final ModelDescriptions descriptions = new ModelDescriptions();
    private final KubernetesTypeNames names = new KubernetesTypeNames(descriptions);
    private final Map<Class<?>, List<GroupVersionKind>> kinds;

    private volatile V3Set v3;
    private volatile OpenApiContent v2;

    /** The built v3 documents: root and one per group-version path ({@code api/v1}). */
    private record V3Set(OpenApiContent root, Map<String, OpenApiContent> byPath) {
    }

    public OpenApiDocuments(ResourceRegistry registry) {
        this.registry = registry;
        this.kinds = kinds(registry);
    }

    /** The group-version paths served under {@code /openapi/v3/}: {@code api/v1}, {@code apis/apps/v1}, ... */
    public List<String> groupVersionPaths() {
        List<String> paths = new ArrayList<>();
        for (String group : registry.groups()) {
            for (String version : registry.versions(group)) {
                paths.add(gvPath(group, version));
            }
        }
        return paths;
    }

    /** {@code GET /openapi/v3}: {@code {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}}. */
    public OpenApiContent v3Root() {
        return v3Set().root();
    }

    /**
     * {@code GET /openapi/v3/<gvPath>}; {@code gvPath} is {@code api/v1} or {@code apis/<group>/<version>}
     * (a leading {@code /} or {@code /openapi/v3/} is tolerated). Empty for a group-version Berth does not serve.
     */
    public Optional<OpenApiContent> v3(String gvPath) {
        return Optional.ofNullable(v3Set().byPath().get(normalize(gvPath)));
    }

    /** {@code GET /openapi/v2}: the Swagger 2.0 document of every group-version (JSON). */
    public OpenApiContent v2() {
        OpenApiContent content = v2;
        if (content == null) {
            synchronized (this) {
                content = v2;
                if (content == null) {
                    content = buildV2();
                    v2 = content;
                }
            }
        }
        return content;
    }

    /** The v3 root as a fresh tree (parsed from the cached bytes: changing it changes nothing served). */
    public JsonNode v3RootDocument() {
        return Json.tree(v3Root().body());
    }

    /** A v3 group-version document as a fresh tree. */
    public Optional<JsonNode> v3Document(String gvPath) {
        return v3(gvPath).map(c -> Json.tree(c.body()));
    }

    /** The v2 document as a fresh tree. */
    public JsonNode v2Document() {
        return Json.tree(v2().body());
    }

    private V3Set v3Set() {
        V3Set set = v3;
        if (set == null) {
            synchronized (this) {
                set = v3;
                if (set == null) {
                    set = buildV3();
                    v3 = set;
                }
            }
        }
        return set;
    }

    private V3Set buildV3() {
        long start = System.nanoTime();
        SchemaBuilder schemas = new SchemaBuilder(SpecVersion.V3, descriptions, names, kinds);
        Map<String, OpenApiContent> byPath = new LinkedHashMap<>();
        ObjectNode rootPaths = NODES.objectNode();
        for (String group : registry.groups()) {
            for (String version : registry.versions(group)) {
                Set<String> refs = new LinkedHashSet<>();
                ObjectNode paths = paths(SpecVersion.V3, schemas, refs, group, version);
                ObjectNode doc = NODES.objectNode();
                doc.put("openapi", "3.0.0");
                doc.set("info", info());
                doc.set("paths", paths);
                ObjectNode components = doc.putObject("components");
                components.set("schemas", toObject(schemas.closure(refs)));
                components.putObject("securitySchemes").set("BearerToken", bearerToken());
                String path = gvPath(group, version);
                OpenApiContent content = OpenApiContent.of(Json.write(sorted(doc)));
                byPath.put(path, content);
                rootPaths.putObject(path).put("serverRelativeURL",
                        V3_PATH + "/" + path + "?hash=" + content.hash());
            }
        }
        ObjectNode root = NODES.objectNode();
        root.set("paths", rootPaths);
        V3Set set = new V3Set(OpenApiContent.of(Json.write(sorted(root))), Collections.unmodifiableMap(byPath));
        LOG.log(System.Logger.Level.INFO, "built OpenAPI v3 documents for {0} group-versions in {1} ms",
                byPath.size(), (System.nanoTime() - start) / 1_000_000);
        return set;
    }

    private OpenApiContent buildV2() {
        long start = System.nanoTime();
        SchemaBuilder schemas = new SchemaBuilder(SpecVersion.V2, descriptions, names, kinds);
        Set<String> refs = new LinkedHashSet<>();
        ObjectNode paths = NODES.objectNode();
        for (String group : registry.groups()) {
            for (String version : registry.versions(group)) {
                paths.setAll(paths(SpecVersion.V2, schemas, refs, group, version));
            }
        }
        ObjectNode doc = NODES.objectNode();
        doc.put("swagger", "2.0");
        doc.set("info", info());
        doc.set("paths", paths);
        doc.set("definitions", toObject(schemas.closure(refs)));
        doc.putObject("securityDefinitions").set("BearerToken", bearerToken());
        doc.putArray("security").addObject().putArray("BearerToken");
        OpenApiContent content = OpenApiContent.of(Json.write(sorted(doc)));
        LOG.log(System.Logger.Level.INFO, "built the OpenAPI v2 document in {0} ms",
                (System.nanoTime() - start) / 1_000_000);
        return content;
    }

    private ObjectNode paths(SpecVersion spec, SchemaBuilder schemas, Set<String> refs, String group, String version) {
        ObjectNode paths = NODES.objectNode();
        PathBuilder builder = new PathBuilder(spec, schemas, refs);
        builder.addDiscovery(group, version, paths);
        for (ResourceType type : registry.resources(group, version)) {
            builder.addResource(type, paths);
        }
        return paths;
    }

    /**
     * Which definitions carry {@code x-kubernetes-group-version-kind} (kubectl finds a resource's schema by it):
     * every served kind and its list, plus the shared kinds Kubernetes marks the same way.
     */
    private static Map<Class<?>, List<GroupVersionKind>> kinds(ResourceRegistry registry) {
        Map<Class<?>, List<GroupVersionKind>> kinds = new LinkedHashMap<>();
        for (ResourceType t : registry.all()) {
            add(kinds, t.type(), new GroupVersionKind(t.group(), t.version(), t.kind()));
            if (t.listType() != null) {
                add(kinds, t.listType(), new GroupVersionKind(t.group(), t.version(), t.listKind()));
            }
        }
        add(kinds, Scale.class, new GroupVersionKind("autoscaling", "v1", "Scale"));
        add(kinds, Binding.class, new GroupVersionKind("", "v1", "Binding"));
        add(kinds, Status.class, new GroupVersionKind("", "v1", "Status"));
        add(kinds, APIResourceList.class, new GroupVersionKind("", "v1", "APIResourceList"));
        for (String group : registry.groups()) {
            for (String version : registry.versions(group)) {
                add(kinds, DeleteOptions.class, new GroupVersionKind(group, version, "DeleteOptions"));
                add(kinds, WatchEvent.class, new GroupVersionKind(group, version, "WatchEvent"));
            }
        }
        return kinds;
    }

    private static void add(Map<Class<?>, List<GroupVersionKind>> kinds, Class<?> type, GroupVersionKind gvk) {
        List<GroupVersionKind> list = kinds.computeIfAbsent(type, k -> new ArrayList<>());
        if (!list.contains(gvk)) {
            list.add(gvk);
        }
    }

    static String gvPath(String group, String version) {
        return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
    }

    private static String normalize(String gvPath) {
        String p = gvPath.startsWith(V3_PATH + "/") ? gvPath.substring(V3_PATH.length() + 1) : gvPath;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static ObjectNode info() {
        ObjectNode info = NODES.objectNode();
        info.put("title", "Berth");
        info.put("version", "v1.32.0");
        return info;
    }

    private static ObjectNode bearerToken() {
        ObjectNode scheme = NODES.objectNode();
        scheme.put("description", "Bearer Token authentication");
        scheme.put("in", "header");
        scheme.put("name", "authorization");
        scheme.put("type", "apiKey");
        return scheme;
    }

    private static ObjectNode toObject(Map<String, ObjectNode> map) {
        ObjectNode node = NODES.objectNode();
        map.forEach(node::set);
        return node;
    }

    /** A copy with every object's keys in order, as Kubernetes (Go maps) serializes: stable bytes, stable hashes. */
    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            new TreeMap<>(toMap(node)).forEach((k, v) -> out.set(k, sorted(v)));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.values().forEach(v -> out.add(sorted(v)));
            return out;
        }
        return node;
    }

    private static Map<String, JsonNode> toMap(JsonNode node) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        node.forEachEntry(map::put);
        return map;
    }
}
