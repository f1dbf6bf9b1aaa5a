package io.berth.apimachinery.errors;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Factories for the errors Kubernetes answers with: same code, reason, message wording and details.
 */
public final class StatusErrors {

    private StatusErrors() {
    }

    public static Status status(int code, String reason, String message, StatusDetails details) {
        return new StatusBuilder()
                .withApiVersion("v1").withKind("Status")
                .withMetadata(new ListMeta())
                .withStatus("Failure")
                .withCode(code).withReason(reason).withMessage(message)
                .withDetails(details)
                .build();
    }

    public static ApiException error(int code, String reason, String message) {
        return new ApiException(status(code, reason, message, null));
    }

    private static StatusDetails details(ResourceType type, String name) {
        return new StatusDetailsBuilder()
                .withName(name)
                .withGroup(type.group().isEmpty() ? null : type.group())
                .withKind(type.resource())
                .build();
    }

    public static ApiException notFound(ResourceType type, String name) {
        return new ApiException(status(404, "NotFound",
                type.qualifiedResource() + " \"" + name + "\" not found", details(type, name)));
    }

    public static ApiException notFound(String qualifiedResource, String name) {
        return new ApiException(status(404, "NotFound", qualifiedResource + " \"" + name + "\" not found",
                new StatusDetailsBuilder().withName(name).withKind(qualifiedResource).build()));
    }

    /** The 404 for a path that names no resource: Kubernetes answers "the server could not find the requested resource". */
    public static ApiException noSuchResource() {
        return new ApiException(status(404, "NotFound", "the server could not find the requested resource",
                new StatusDetailsBuilder().withCauses(new StatusCause(null, "the server could not find the requested resource", "UnexpectedServerResponse")).build()));
    }

    public static ApiException alreadyExists(ResourceType type, String name) {
        return new ApiException(status(409, "AlreadyExists",
                type.qualifiedResource() + " \"" + name + "\" already exists", details(type, name)));
    }

    public static ApiException conflict(ResourceType type, String name, String why) {
        return new ApiException(status(409, "Conflict",
                "Operation cannot be fulfilled on " + type.qualifiedResource() + " \"" + name + "\": " + why,
                details(type, name)));
    }

    public static ApiException modifiedConflict(ResourceType type, String name) {
        return conflict(type, name,
                "the object has been modified; please apply your changes to the latest version and try again");
    }

    public static ApiException invalid(ResourceType type, String name, List<FieldError> errors) {
        return invalid(type.group(), type.kind(), name, errors);
    }

    /**
     * 422 Invalid for a kind that is no resource of its own, such as the {@code PodLogOptions} of a
     * {@code pods/log} request ({@code group} "" for the core group).
     */
    public static ApiException invalid(String group, String kind, String name, List<FieldError> errors) {
        String summary = errors.size() == 1 ? errors.get(0).message()
                : "[" + errors.stream().map(FieldError::message).collect(Collectors.joining(", ")) + "]";
        StatusDetails details = new StatusDetailsBuilder()
                .withName(name)
                .withGroup(group.isEmpty() ? null : group)
                .withKind(kind)
                .withCauses(errors.stream()
                        .map(e -> new StatusCause(e.field(), e.detail(), e.type()))
                        .toList())
                .build();
        return new ApiException(status(422, "Invalid",
                kind + (group.isEmpty() ? "" : "." + group) + " \"" + (name == null ? "" : name)
                        + "\" is invalid: " + summary, details));
    }

    public static ApiException badRequest(String message) {
        return error(400, "BadRequest", message);
    }

    public static ApiException forbidden(String message) {
        return error(403, "Forbidden", message);
    }

    public static ApiException forbidden(ResourceType type, String name, String why) {
        return new ApiException(status(403, "Forbidden",
                type.qualifiedResource() + " \"" + name + "\" is forbidden: " + why, details(type, name)));
    }

    public static ApiException unauthorized() {
        return error(401, "Unauthorized", "Unauthorized");
    }

    public static ApiException methodNotAllowed(String message) {
        return error(405, "MethodNotAllowed", message);
    }

    public static ApiException notAcceptable(String message) {
        return error(406, "NotAcceptable", message);
    }

    public static ApiException unsupportedMediaType(String contentType) {
        return error(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                + "accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"
                + (contentType == null ? "" : " (got " + contentType + ")"));
    }

    public static ApiException unsupportedPatchType(String contentType) {
        return error(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
                + "application/strategic-merge-patch+json" + (contentType == null ? "" : " (got " + contentType + ")"));
    }

    public static ApiException tooLarge(String message) {
        return error(413, "RequestEntityTooLarge", message);
    }

    /** 410 for a resourceVersion older than the history kept: the client relists. */
    public static ApiException expired(String message) {
        return error(410, "Expired", message);
    }

    public static ApiException gone(String message) {
        return error(410, "Gone", message);
    }

    /** 504 for a resourceVersion newer than this replica has seen after the wait, as Kubernetes' watch cache. */
    public static ApiException resourceVersionTooLarge(long requested, long current) {
        StatusDetails details = new StatusDetailsBuilder()
                .withRetryAfterSeconds(1)
                .withCauses(new StatusCause(null, "Too large resource version", "ResourceVersionTooLarge"))
                .build();
        return new ApiException(status(504, "Timeout",
                "Too large resource version: " + requested + ", current: " + current, details));
    }

    public static ApiException timeout(String message) {
        return error(504, "Timeout", message);
    }

    public static ApiException serviceUnavailable(String message) {
        return error(503, "ServiceUnavailable", message);
    }

    public static ApiException tooManyRequests(String message) {
        return error(429, "TooManyRequests", message);
    }

    public static ApiException internal(String message) {
        return error(500, "InternalError", "Internal error occurred: " + message);
    }

    /** The Status Kubernetes answers a successful delete of an object that is gone at once with. */
    public static Status success(ResourceType type, String name, String uid) {
        return new StatusBuilder()
                .withApiVersion("v1").withKind("Status")
                .withMetadata(new ListMeta())
                .withStatus("Success")
                .withDetails(new StatusDetailsBuilder().withName(name)
                        .withGroup(type.group().isEmpty() ? null : type.group())
                        .withKind(type.resource()).withUid(uid).build())
                .build();
    }
}
