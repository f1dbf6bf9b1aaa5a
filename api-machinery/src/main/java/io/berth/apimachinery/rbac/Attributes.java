package io.berth.apimachinery.rbac;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.request.RequestInfo;

/**
 * What a request asks to do, as Kubernetes' {@code authorizer.Attributes}: who, which verb, and either a resource
 * (group, resource, subresource, namespace, name) or a non-resource path. Immutable; null strings become "".
 *
 * @param user            the authenticated user; null only for a request without one (no authorizer allows it)
 * @param verb            a resource verb (get, list, watch, create, update, patch, delete, deletecollection, or a
 *                        special verb such as bind, escalate, impersonate) or, for non-resource requests, the
 *                        lower-case HTTP method
 * @param resourceRequest false for paths outside the resource API, such as /healthz or /api
 * @param path            the request path; what non-resource rules match
 * @param apiGroup        "" for the core group
 * @param subresource     "" when the request addresses the object itself
 * @param namespace       "" for cluster-scoped resources and cluster-wide lists
 * @param name            "" for list, watch, deletecollection and most creates
 */
public record Attributes(UserInfo user, String verb, boolean resourceRequest, String path,
                         String apiGroup, String apiVersion, String resource, String subresource,
                         String namespace, String name) {

    public Attributes {
        verb = nonNull(verb);
        path = nonNull(path);
        apiGroup = nonNull(apiGroup);
        apiVersion = nonNull(apiVersion);
        resource = nonNull(resource);
        subresource = nonNull(subresource);
        namespace = nonNull(namespace);
        name = nonNull(name);
    }

    /** The attributes of a parsed request, as kube-apiserver's {@code GetAuthorizerAttributes} builds them. */
    public static Attributes of(UserInfo user, RequestInfo info) {
        return new Attributes(user, info.verb(), info.resourceRequest(), info.path(), info.group(), info.version(),
                info.resource(), info.subresource(), info.namespace(), info.name());
    }

    /** A resource request; what SubjectAccessReviews and the api-service's own checks ask. */
    public static Attributes resource(UserInfo user, String verb, String apiGroup, String resource,
                                      String subresource, String namespace, String name) {
        return new Attributes(user, verb, true, "", apiGroup, "", resource, subresource, namespace, name);
    }

    /** A request for a path outside the resource API, e.g. {@code get /healthz}. */
    public static Attributes nonResource(UserInfo user, String verb, String path) {
        return new Attributes(user, verb, false, path, "", "", "", "", "", "");
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
