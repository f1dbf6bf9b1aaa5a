package io.berth.apimachinery.request;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The Kubernetes attributes of a request, parsed from its path and method as kube-apiserver's RequestInfoFactory
 * does: {@code /api/v1/namespaces/ns/pods/name/status} is verb get, resource pods, subresource status.
 * Immutable.
 *
 * @param resourceRequest false for discovery, health, OpenAPI and other non-resource paths
 * @param verb            get, list, watch, create, update, patch, delete, deletecollection
 * @param apiPrefix       "api" or "apis"
 */
public record RequestInfo(
        boolean resourceRequest,
        String path,
        String verb,
        String apiPrefix,
        String group,
        String version,
        String namespace,
        String resource,
        String name,
        String subresource,
        List<String> parts) {

    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** Parses a request; {@code watchParam} is the value of the {@code watch} query parameter, or null. */
    public static RequestInfo parse(String method, String path, String watchParam) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        List<String> segments = trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("/", -1));
        if (segments.isEmpty() || !(segments.get(0).equals("api") || segments.get(0).equals("apis"))) {
            return nonResource(path, method);
        }
        String prefix = segments.get(0);
        List<String> rest = new ArrayList<>(segments.subList(1, segments.size()));
        String group = "";
        if (prefix.equals("apis")) {
            if (rest.size() < 2) {
                return nonResource(path, method);
            }
            group = rest.remove(0);
        } else if (rest.isEmpty()) {
            return nonResource(path, method);
        }
        if (rest.isEmpty()) {
            return nonResource(path, method);
        }
        String version = rest.remove(0);
        if (rest.isEmpty()) {
            return nonResource(path, method);
        }
        boolean watchPath = false;
        if (rest.get(0).equals("watch")) {
            watchPath = true;
            rest.remove(0);
        }
        String namespace = "";
        if (rest.size() >= 2 && rest.get(0).equals("namespaces")) {
            if (rest.size() == 2 || (rest.size() == 3 && NAMESPACE_SUBRESOURCES.contains(rest.get(2)))) {
                // the namespace object itself: /namespaces/{name}[/status]
                namespace = rest.get(1);
            } else {
                namespace = rest.get(1);
                rest = new ArrayList<>(rest.subList(2, rest.size()));
            }
        }
        String resource = rest.size() > 0 ? rest.get(0) : "";
        String name = rest.size() > 1 ? rest.get(1) : "";
        String subresource = rest.size() > 2 ? rest.get(2) : "";
        if (rest.size() > 3 || resource.isEmpty() || rest.stream().anyMatch(String::isEmpty)) {
            return new RequestInfo(true, path, "", prefix, group, version, namespace, resource, name,
                    subresource, List.copyOf(rest));
        }
        boolean watch = watchPath || "true".equals(watchParam) || "1".equals(watchParam);
        String verb = switch (method) {
            case "POST" -> "create";
            case "GET", "HEAD" -> name.isEmpty() ? (watch ? "watch" : "list") : (watch ? "watch" : "get");
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
            default -> "";
        };
        return new RequestInfo(true, path, verb, prefix, group, version, namespace, resource, name, subresource,
                List.copyOf(rest));
    }

    private static RequestInfo nonResource(String path, String method) {
        return new RequestInfo(false, path, method.toLowerCase(), "", "", "", "", "", "", "", List.of());
    }

    /** "pods" or "pods/status": how RBAC and messages name what is addressed. */
    public String resourceWithSubresource() {
        return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }
}
