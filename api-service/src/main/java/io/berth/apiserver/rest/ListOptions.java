package io.berth.apiserver.rest;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.selector.FieldSelector;
import io.berth.apimachinery.selector.LabelSelector;
import io.berth.apiserver.storage.ResourceVersions;
import io.berth.apiserver.watch.WatchFilter;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * The list and watch parameters of a request, validated as Kubernetes validates them.
 *
 * @param resourceVersion       null when the parameter is absent
 * @param resourceVersionMatch  null, "NotOlderThan" or "Exact"
 */
record ListOptions(
        WatchFilter filter,
        long limit,
        String continueToken,
        String resourceVersion,
        String resourceVersionMatch,
        Long timeoutSeconds,
        boolean allowWatchBookmarks,
        boolean sendInitialEvents) {

    static ListOptions from(ServerRequest request, ResourceType type, String namespace) {
        String labels = request.queryParam("labelSelector").orElse("");
        String fields = request.queryParam("fieldSelector").orElse("");
        LabelSelector labelSelector = labels.isEmpty() ? null : LabelSelector.parse(labels);
        FieldSelector fieldSelector = fields.isEmpty() ? null : FieldSelector.parse(fields, type);
        long limit = parseLong(request.queryParam("limit").orElse(""), "limit");
        if (limit < 0) {
            limit = 0;
        }
        String cont = request.queryParam("continue").filter(s -> !s.isEmpty()).orElse(null);
        String rv = request.queryParam("resourceVersion").orElse(null);
        String match = request.queryParam("resourceVersionMatch").filter(s -> !s.isEmpty()).orElse(null);
        String timeout = request.queryParam("timeoutSeconds").orElse("");
        Long timeoutSeconds = timeout.isEmpty() ? null : parseLong(timeout, "timeoutSeconds");
        boolean bookmarks = bool(request.queryParam("allowWatchBookmarks").orElse(""));
        String initial = request.queryParam("sendInitialEvents").orElse("");
        if (rv != null && !rv.isEmpty()) {
            ResourceVersions.parse(rv);
        }
        if (match != null && !match.equals("NotOlderThan") && !match.equals("Exact")) {
            throw StatusErrors.badRequest("resourceVersionMatch: Unsupported value: \"" + match
                    + "\": supported values: \"Exact\", \"NotOlderThan\"");
        }
        if (match != null && (rv == null || rv.isEmpty())) {
            throw StatusErrors.badRequest("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden "
                    + "unless resourceVersion is provided");
        }
        if (cont != null && rv != null && !rv.isEmpty()) {
            throw StatusErrors.badRequest("resourceVersion: Forbidden: specifying resource version is not allowed "
                    + "when using continue");
        }
        if ("Exact".equals(match) && "0".equals(rv)) {
            throw StatusErrors.badRequest("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is "
                    + "forbidden for resourceVersion \"0\"");
        }
        return new ListOptions(new WatchFilter(namespace, labelSelector, fieldSelector), limit, cont, rv, match,
                timeoutSeconds, bookmarks, bool(initial));
    }

    private static boolean bool(String v) {
        return v.equals("true") || v.equals("1");
    }

    private static long parseLong(String value, String name) {
        if (value.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw StatusErrors.badRequest(name + ": Invalid value: \"" + value + "\": must be an integer");
        }
    }

    long resourceVersionNumber() {
        return ResourceVersions.parse(resourceVersion);
    }
}
