package io.berth.gateway.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One request through the gateway, as the audit trail keeps it. Immutable.
 *
 * @param id            a random UUID, Kubernetes' {@code auditID}
 * @param time          when the request was received, UTC, millisecond precision
 * @param user          the authenticated user; {@code ""} when the request was refused before anyone was identified
 * @param groups        the user's groups
 * @param sourceIp      the TCP peer (never a forwarded-for header)
 * @param verb          Kubernetes' verb (get, list, watch, create, ...) or the lower-case method of a non-resource path
 * @param apiGroup      "" for the core group and for non-resource paths
 * @param namespace     "" for cluster-scoped resources and non-resource paths
 * @param requestUri    path and query string, as sent
 * @param code          the HTTP status answered; 499 when the client went away before an answer was committed
 * @param latencyMs     from receipt to the end of the response (for a watch: how long it was open)
 * @param requestBody   the (redacted) body of a write, or null
 * @param bodyTruncated the body was longer than the body limit and only its beginning is kept
 * @param bodyNote      why a write's body is not kept (e.g. an unparseable Secret payload), or null
 */
public record AuditEvent(
        String id,
        Instant time,
        String user,
        List<String> groups,
        String sourceIp,
        String verb,
        String apiGroup,
        String resource,
        String subresource,
        String namespace,
        String name,
        String requestUri,
        int code,
        long latencyMs,
        String userAgent,
        String requestBody,
        boolean bodyTruncated,
        String bodyNote) {

    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        groups = List.copyOf(groups);
        user = Objects.requireNonNullElse(user, "");
        sourceIp = Objects.requireNonNullElse(sourceIp, "");
        verb = Objects.requireNonNullElse(verb, "");
        apiGroup = Objects.requireNonNullElse(apiGroup, "");
        resource = Objects.requireNonNullElse(resource, "");
        subresource = Objects.requireNonNullElse(subresource, "");
        namespace = Objects.requireNonNullElse(namespace, "");
        name = Objects.requireNonNullElse(name, "");
        requestUri = Objects.requireNonNullElse(requestUri, "");
        userAgent = Objects.requireNonNullElse(userAgent, "");
    }

    /** This event with the request body as it is to be kept. */
    public AuditEvent withBody(RecordedBody body) {
        return new AuditEvent(id, time, user, groups, sourceIp, verb, apiGroup, resource, subresource, namespace, name,
                requestUri, code, latencyMs, userAgent, body.text(), body.truncated(), body.note());
    }
}
