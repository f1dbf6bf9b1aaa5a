package io.berth.apiserver.rest;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The discovery documents kubectl and client-go read first: {@code /api} (APIVersions), {@code /apis}
 * (APIGroupList), {@code /apis/{group}} (APIGroup) and {@code /api/v1}, {@code /apis/{group}/{version}}
 * (APIResourceList, subresources included). Built once from the registry; immutable.
 */
final class Discovery {

    private final byte[] api;
    private final byte[] apis;
    private final java.util.Map<String, byte[]> groups = new java.util.HashMap<>();
    private final java.util.Map<String, byte[]> resourceLists = new java.util.HashMap<>();

    Discovery(ResourceRegistry registry) {
        ObjectNode versions = Json.object();
        versions.put("kind", "APIVersions");
        versions.putArray("versions").add("v1");
        ObjectNode cidr = versions.putArray("serverAddressByClientCIDRs").addObject();
        cidr.put("clientCIDR", "0.0.0.0/0");
        cidr.put("serverAddress", "127.0.0.1:6443");
        this.api = Json.write(versions);

        ObjectNode groupList = Json.object();
        groupList.put("kind", "APIGroupList");
        groupList.put("apiVersion", "v1");
        ArrayNode groupArray = groupList.putArray("groups");
        for (String group : registry.groups()) {
            for (String version : registry.versions(group)) {
                resourceLists.put(group + "/" + version, Json.write(resourceList(registry, group, version)));
            }
            if (group.isEmpty()) {
                continue;
            }
            ObjectNode g = groupNode(registry, group);
            groupArray.add(g);
            ObjectNode single = g.deepCopy();
            single.put("kind", "APIGroup");
            single.put("apiVersion", "v1");
            groups.put(group, Json.write(single));
        }
        this.apis = Json.write(groupList);
    }

    private static ObjectNode groupNode(ResourceRegistry registry, String group) {
        ObjectNode g = Json.object();
        g.put("name", group);
        ArrayNode versions = g.putArray("versions");
        List<String> served = registry.versions(group);
        for (String v : served) {
            ObjectNode gv = versions.addObject();
            gv.put("groupVersion", group + "/" + v);
            gv.put("version", v);
        }
        ObjectNode preferred = g.putObject("preferredVersion");
        preferred.put("groupVersion", group + "/" + served.get(0));
        preferred.put("version", served.get(0));
        return g;
    }

    private static ObjectNode resourceList(ResourceRegistry registry, String group, String version) {
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
            if (!t.shortNames().isEmpty()) {
                ArrayNode shortNames = r.putArray("shortNames");
                t.shortNames().forEach(shortNames::add);
            }
            if (!t.categories().isEmpty()) {
                ArrayNode categories = r.putArray("categories");
                t.categories().forEach(categories::add);
            }
            if (t.stored()) {
                r.put("storageVersionHash", storageVersionHash(t));
            }
            for (String sub : new TreeSet<>(t.subresources())) {
                ObjectNode s = resources.addObject();
                s.put("name", t.resource() + "/" + sub);
                s.put("singularName", "");
                s.put("namespaced", t.namespaced());
                ArrayNode subVerbs = s.putArray("verbs");
                switch (sub) {
                    case "scale" -> {
                        s.put("group", "autoscaling");
                        s.put("version", "v1");
                        s.put("kind", "Scale");
                        List.of("get", "patch", "update").forEach(subVerbs::add);
                    }
                    case "binding" -> {
                        s.put("kind", "Binding");
                        subVerbs.add("create");
                    }
                    case "log" -> {
                        s.put("kind", "Pod");
                        subVerbs.add("get");
                    }
                    case "exec" -> {
                        s.put("kind", "PodExecOptions");
                        List.of("create", "get").forEach(subVerbs::add);
                    }
                    case "finalize" -> {
                        s.put("kind", t.kind());
                        subVerbs.add("update");
                    }
                    case "token" -> {
                        s.put("group", "authentication.k8s.io");
                        s.put("version", "v1");
                        s.put("kind", "TokenRequest");
                        subVerbs.add("create");
                    }
                    default -> {
                        s.put("kind", t.kind());
                        List.of("get", "patch", "update").forEach(subVerbs::add);
                    }
                }
            }
        }
        return list;
    }

    /** Kubernetes' storageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind"). */
    private static String storageVersionHash(ResourceType t) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((t.group() + "/" + t.version() + "/" + t.kind()).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(digest, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] api() {
        return api;
    }

    byte[] apis() {
        return apis;
    }

    Optional<byte[]> group(String group) {
        return Optional.ofNullable(groups.get(group));
    }

    Optional<byte[]> resources(String group, String version) {
        return Optional.ofNullable(resourceLists.get(group + "/" + version));
    }
}
