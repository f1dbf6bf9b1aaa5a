package io.berth.apiserver.openapi;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.berth.apiserver.openapi.KubernetesTypeNames.capitalize;

/**
 * Lays out the REST paths of a resource type the way Kubernetes' OpenAPI documents do: the collection
 * ({@code list}/{@code post}/{@code deletecollection}), the item ({@code get}/{@code put}/{@code patch}/{@code delete}),
 * the all-namespaces list, the deprecated {@code /watch/} paths and the {@code status}, {@code finalize},
 * {@code scale}, {@code binding}, {@code log} and {@code exec} subresources. Every operation carries Kubernetes'
 * {@code operationId}, {@code x-kubernetes-action} and {@code x-kubernetes-group-version-kind}; only verbs the
 * resource type serves are described.
 *
 * <p>Only JSON and YAML are advertised: Berth does not speak protobuf. Not thread safe; use one per build.
 */
final class PathBuilder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> OBJECT_TYPES = List.of("application/json", "application/yaml");
    private static final List<String> LIST_TYPES =
            List.of("application/json", "application/json;stream=watch", "application/yaml");
    private static final List<String> WATCH_TYPES = List.of("application/json", "application/json;stream=watch");
    private static final List<String> ANY_TYPE = List.of("*/*");
    private static final List<String> LOG_TYPES = List.of("text/plain", "application/json", "application/yaml");
    /** The PATCH bodies Kubernetes accepts; kubectl picks strategic merge patch for built-in kinds. */
    static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml", "application/json-patch+json",
            "application/merge-patch+json", "application/strategic-merge-patch+json");
    private static final GroupVersionKind SCALE = new GroupVersionKind("autoscaling", "v1", "Scale");
    private static final GroupVersionKind BINDING = new GroupVersionKind("", "v1", "Binding");
    /** Kinds whose DELETE answers the (gracefully terminating) object rather than a Status, as in Kubernetes. */
    private static final Set<String> DELETE_RETURNS_OBJECT = Set.of("Pod", "Service");

    private final SpecVersion spec;
    private final SchemaBuilder schemas;
    private final Set<String> refs;

    /** @param refs collects the definition names the described operations refer to */
    PathBuilder(SpecVersion spec, SchemaBuilder schemas, Set<String> refs) {
        this.spec = spec;
        this.schemas = schemas;
        this.refs = refs;
    }

    /** The URL prefix of a group-version: {@code /api/v1} or {@code /apis/apps/v1}. */
    static String prefix(String group, String version) {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    /** {@code GET /api/v1/}: the group-version's APIResourceList. */
    void addDiscovery(String group, String version, ObjectNode paths) {
        String id = "get" + KubernetesTypeNames.groupCamel(group) + capitalize(version) + "APIResources";
        Op op = new Op("get available resources", id, null, null, KubernetesTypeNames.tag(group, version))
                .response("200", "OK", define(APIResourceList.class), OBJECT_TYPES)
                .unauthorized();
        pathItem(paths, prefix(group, version) + "/", List.of()).set("get", op.node);
    }

    /** Adds every path of {@code type} to {@code paths}. */
    void addResource(ResourceType type, ObjectNode paths) {
        Set<String> verbs = type.verbs();
        GroupVersionKind gvk = new GroupVersionKind(type.group(), type.version(), type.kind());
        String tag = KubernetesTypeNames.tag(type.group(), type.version());
        String base = KubernetesTypeNames.groupCamel(type.group()) + capitalize(type.version());
        String scope = type.namespaced() ? "Namespaced" : "";
        String kind = type.kind();
        String object = define(type.type());
        String list = type.listType() == null ? null : define(type.listType());
        String prefix = prefix(type.group(), type.version());
        String collection = prefix + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.resource();
        String item = collection + "/{name}";
        List<Parameters.Parameter> scopeParams = type.namespaced()
                ? List.of(Parameters.NAMESPACE, Parameters.PRETTY) : List.of(Parameters.PRETTY);

        boolean listable = list != null && verbs.contains("list");
        if (listable || verbs.contains("create") || verbs.contains("deletecollection")) {
            ObjectNode path = pathItem(paths, collection, scopeParams);
            if (listable) {
                path.set("get", new Op("list or watch objects of kind " + kind, "list" + base + scope + kind,
                        "list", gvk, tag).params(Parameters.LIST).response("200", "OK", list, LIST_TYPES)
                        .unauthorized().node);
            }
            if (verbs.contains("create")) {
                path.set("post", create("create a " + kind, "create" + base + scope + kind, gvk, tag, object));
            }
            if (verbs.contains("deletecollection")) {
                path.set("delete", new Op("delete collection of " + kind, "delete" + base + "Collection" + scope
                        + kind, "deletecollection", gvk, tag).params(Parameters.DELETE_COLLECTION)
                        .body(define(DeleteOptions.class), ANY_TYPE, false)
                        .response("200", "OK", define(Status.class), OBJECT_TYPES).unauthorized().node);
            }
        }
        if (verbs.contains("get") || verbs.contains("update") || verbs.contains("patch")
                || verbs.contains("delete")) {
            ObjectNode path = pathItem(paths, item, with(Parameters.name(kind), scopeParams));
            String id = base + scope + kind;
            addItemOperations(path, verbs, "", id, kind, gvk, tag, object);
            if (verbs.contains("delete")) {
                String answer = DELETE_RETURNS_OBJECT.contains(kind) && type.group().isEmpty()
                        ? object : define(Status.class);
                path.set("delete", new Op("delete a " + kind, "delete" + id, "delete", gvk, tag)
                        .params(Parameters.DELETE).body(define(DeleteOptions.class), ANY_TYPE, false)
                        .response("200", "OK", answer, OBJECT_TYPES)
                        .response("202", "Accepted", answer, OBJECT_TYPES).unauthorized().node);
            }
        }
        if (listable && type.namespaced()) {
            pathItem(paths, prefix + "/" + type.resource(), List.of(Parameters.PRETTY)).set("get",
                    new Op("list or watch objects of kind " + kind, "list" + base + kind + "ForAllNamespaces",
                            "list", gvk, tag).params(Parameters.LIST).response("200", "OK", list, LIST_TYPES)
                            .unauthorized().node);
        }
        if (listable && verbs.contains("watch")) {
            addWatchPaths(type, paths, base, scope, gvk, tag, scopeParams);
        }
        if (type.hasSubresource("status")) {
            ObjectNode path = pathItem(paths, item + "/status", with(Parameters.name(kind), scopeParams));
            addItemOperations(path, Set.of("get", "update", "patch"), "status of ", base + scope + kind + "Status",
                    kind, gvk, tag, object);
        }
        if (type.hasSubresource("finalize")) {
            // Kubernetes' FinalizeREST: PUT only, the Namespace itself as body and answer
            ObjectNode path = pathItem(paths, item + "/finalize", with(Parameters.name(kind), scopeParams));
            addItemOperations(path, Set.of("update"), "finalize of ", base + scope + kind + "Finalize", kind, gvk,
                    tag, object);
        }
        if (type.hasSubresource("scale")) {
            ObjectNode path = pathItem(paths, item + "/scale", with(Parameters.name("Scale"), scopeParams));
            addItemOperations(path, Set.of("get", "update", "patch"), "scale of ", base + scope + kind + "Scale",
                    kind, SCALE, tag, define(Scale.class));
        }
        addStreams(type, paths, item, base, scope, tag, scopeParams);
        if (type.hasSubresource("binding")) {
            ObjectNode path = pathItem(paths, item + "/binding", with(Parameters.name("Binding"), scopeParams));
            path.set("post", create("create binding of a " + kind, "create" + base + scope + kind + "Binding",
                    BINDING, tag, define(Binding.class)));
        }
    }

    /**
     * {@code pods/log} (a {@code text/plain} string) and {@code pods/exec} (a connect operation: the GET WebSocket
     * handshake and SPDY's POST), with Kubernetes' operation ids and parameters.
     */
    private void addStreams(ResourceType type, ObjectNode paths, String item, String base, String scope, String tag,
                            List<Parameters.Parameter> scopeParams) {
        String kind = type.kind();
        if (type.hasSubresource("log")) {
            List<Parameters.Parameter> params = new ArrayList<>(with(Parameters.name(kind), scopeParams));
            params.addAll(Parameters.POD_LOG);
            pathItem(paths, item + "/log", params).set("get", new Op("read log of the specified " + kind,
                    "read" + base + scope + kind + "Log", "get", new GroupVersionKind(type.group(), type.version(),
                    kind), tag).stringResponse("200", "OK", LOG_TYPES).unauthorized().node);
        }
        if (type.hasSubresource("exec")) {
            List<Parameters.Parameter> params = new ArrayList<>(with(Parameters.name(kind + "ExecOptions"),
                    List.of(Parameters.NAMESPACE)));
            params.addAll(Parameters.POD_EXEC);
            ObjectNode path = pathItem(paths, item + "/exec", params);
            GroupVersionKind options = new GroupVersionKind(type.group(), type.version(), kind + "ExecOptions");
            for (String method : List.of("get", "post")) {
                path.set(method, new Op("connect " + method.toUpperCase(java.util.Locale.ROOT)
                        + " requests to exec of " + kind, "connect" + base + capitalize(method) + scope + kind + "Exec",
                        "connect", options, tag).stringResponse("200", "OK", ANY_TYPE).unauthorized().node);
            }
        }
    }

    private void addItemOperations(ObjectNode path, Set<String> verbs, String what, String id, String kind,
                                   GroupVersionKind gvk, String tag, String object) {
        if (verbs.contains("get")) {
            path.set("get", new Op("read " + what + "the specified " + kind, "read" + id, "get", gvk, tag)
                    .response("200", "OK", object, OBJECT_TYPES).unauthorized().node);
        }
        if (verbs.contains("update")) {
            path.set("put", new Op("replace " + what + "the specified " + kind, "replace" + id, "put", gvk, tag)
                    .params(Parameters.WRITE).body(object, ANY_TYPE, true)
                    .response("200", "OK", object, OBJECT_TYPES)
                    .response("201", "Created", object, OBJECT_TYPES).unauthorized().node);
        }
        if (verbs.contains("patch")) {
            path.set("patch", new Op("partially update " + what + "the specified " + kind, "patch" + id, "patch",
                    gvk, tag).params(Parameters.PATCH).body(patchDefinition(), PATCH_TYPES, true)
                    .response("200", "OK", object, OBJECT_TYPES)
                    .response("201", "Created", object, OBJECT_TYPES).unauthorized().node);
        }
    }

    private void addWatchPaths(ResourceType type, ObjectNode paths, String base, String scope, GroupVersionKind gvk,
                               String tag, List<Parameters.Parameter> scopeParams) {
        String kind = type.kind();
        String event = define(WatchEvent.class);
        String prefix = prefix(type.group(), type.version()) + "/watch";
        String collection = prefix + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.resource();
        List<Parameters.Parameter> listParams = new ArrayList<>(Parameters.LIST);
        listParams.addAll(scopeParams);
        pathItem(paths, collection, listParams).set("get", new Op("watch individual changes to a list of " + kind
                + ". deprecated: use the 'watch' parameter with a list operation instead.",
                "watch" + base + scope + kind + "List", "watchlist", gvk, tag)
                .response("200", "OK", event, WATCH_TYPES).unauthorized().node);
        if (type.verbs().contains("get")) {
            List<Parameters.Parameter> itemParams = with(Parameters.name(kind), listParams);
            pathItem(paths, collection + "/{name}", itemParams).set("get", new Op("watch changes to an object of "
                    + "kind " + kind + ". deprecated: use the 'watch' parameter with a list operation instead, "
                    + "filtered to a single item with the 'fieldSelector' parameter.", "watch" + base + scope + kind,
                    "watch", gvk, tag).response("200", "OK", event, WATCH_TYPES).unauthorized().node);
        }
        if (type.namespaced()) {
            List<Parameters.Parameter> allParams = new ArrayList<>(Parameters.LIST);
            allParams.add(Parameters.PRETTY);
            pathItem(paths, prefix + "/" + type.resource(), allParams).set("get", new Op("watch individual changes "
                    + "to a list of " + kind + ". deprecated: use the 'watch' parameter with a list operation "
                    + "instead.", "watch" + base + kind + "ListForAllNamespaces", "watchlist", gvk, tag)
                    .response("200", "OK", event, WATCH_TYPES).unauthorized().node);
        }
    }

    private ObjectNode create(String description, String id, GroupVersionKind gvk, String tag, String object) {
        return new Op(description, id, "post", gvk, tag).params(Parameters.WRITE).body(object, ANY_TYPE, true)
                .response("200", "OK", object, OBJECT_TYPES)
                .response("201", "Created", object, OBJECT_TYPES)
                .response("202", "Accepted", object, OBJECT_TYPES).unauthorized().node;
    }

    private String patchDefinition() {
        refs.add(KubernetesTypeNames.PATCH);
        return KubernetesTypeNames.PATCH;
    }

    private String define(Class<?> type) {
        String name = schemas.define(type);
        refs.add(name);
        return name;
    }

    private ObjectNode pathItem(ObjectNode paths, String path, List<Parameters.Parameter> parameters) {
        ObjectNode item = (ObjectNode) paths.get(path);
        if (item == null) {
            item = paths.putObject(path);
            if (!parameters.isEmpty()) {
                ArrayNode list = item.putArray("parameters");
                parameters.stream().sorted((a, b) -> a.name().compareTo(b.name()))
                        .forEach(p -> list.add(parameter(p)));
            }
        }
        return item;
    }

    private ObjectNode parameter(Parameters.Parameter p) {
        ObjectNode node = NODES.objectNode();
        node.put("description", p.description());
        node.put("in", p.in());
        node.put("name", p.name());
        if (p.required()) {
            node.put("required", true);
        }
        ObjectNode type = spec == SpecVersion.V3 ? node.putObject("schema") : node;
        type.put("type", p.type());
        type.put("uniqueItems", true);
        return node;
    }

    private static List<Parameters.Parameter> with(Parameters.Parameter first, List<Parameters.Parameter> rest) {
        List<Parameters.Parameter> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** One operation under construction, rendered for the builder's spec version. */
    private final class Op {
        final ObjectNode node = NODES.objectNode();

        Op(String description, String operationId, String action, GroupVersionKind gvk, String tag) {
            node.put("description", description);
            node.put("operationId", operationId);
            node.putArray("tags").add(tag);
            if (spec == SpecVersion.V2) {
                node.putArray("schemes").add("https");
            }
            if (action != null) {
                node.put("x-kubernetes-action", action);
                node.set("x-kubernetes-group-version-kind", gvk.toNode());
            }
        }

        Op params(List<Parameters.Parameter> parameters) {
            ArrayNode list = node.withArrayProperty("parameters");
            parameters.forEach(p -> list.add(parameter(p)));
            return this;
        }

        Op body(String definition, List<String> contentTypes, boolean required) {
            if (spec == SpecVersion.V3) {
                ObjectNode body = node.putObject("requestBody");
                ObjectNode content = body.putObject("content");
                contentTypes.forEach(t -> content.putObject(t).set("schema", schemas.ref(definition)));
                if (required) {
                    body.put("required", true);
                }
            } else {
                ObjectNode param = NODES.objectNode();
                param.put("in", "body");
                param.put("name", "body");
                if (required) {
                    param.put("required", true);
                }
                param.set("schema", schemas.ref(definition));
                node.withArrayProperty("parameters").insert(0, param);
                ArrayNode consumes = node.putArray("consumes");
                contentTypes.forEach(consumes::add);
            }
            return this;
        }

        Op response(String code, String description, String definition, List<String> contentTypes) {
            ObjectNode response = node.withObjectProperty("responses").putObject(code);
            response.put("description", description);
            if (spec == SpecVersion.V3) {
                ObjectNode content = response.putObject("content");
                contentTypes.forEach(t -> content.putObject(t).set("schema", schemas.ref(definition)));
            } else {
                response.set("schema", schemas.ref(definition));
                ArrayNode produces = node.putArray("produces");
                contentTypes.forEach(produces::add);
            }
            return this;
        }

        /** A response whose body is a plain string (a log, a connection's stream), not a defined object. */
        Op stringResponse(String code, String description, List<String> contentTypes) {
            ObjectNode response = node.withObjectProperty("responses").putObject(code);
            response.put("description", description);
            if (spec == SpecVersion.V3) {
                ObjectNode content = response.putObject("content");
                contentTypes.forEach(t -> content.putObject(t).putObject("schema").put("type", "string"));
            } else {
                response.putObject("schema").put("type", "string");
                ArrayNode produces = node.putArray("produces");
                contentTypes.forEach(produces::add);
            }
            return this;
        }

        Op unauthorized() {
            node.withObjectProperty("responses").putObject("401").put("description", "Unauthorized");
            return this;
        }
    }
}
