package io.berth.gateway.audit;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Serves {@code GET /audit/v1/events?namespace=&user=&verb=&since=&limit=&continue=}: the trail newest first as
 * {@code {"items": [...], "continue": "..."}} ({@code continue} absent on the last page).
 *
 * <p>Who sees what: no authenticated user → 401; users who {@link AuditAccess#seesAll see all} get every entry;
 * users who administer some namespaces get only the entries of those (cluster-scoped and non-resource entries are
 * excluded) and 403 when they name another namespace; everyone else gets 403. Authorization comes before validation
 * (401, then 403, then 400 for a bad {@code since}, {@code limit} or {@code continue}), as in Kubernetes.
 * Errors are Kubernetes {@code Status} objects. The access checks and the query run on {@code scheduler}
 * (boundedElastic), never on the event loop. Thread safe.
 */
public final class AuditHandler {

    private static final Logger log = LoggerFactory.getLogger(AuditHandler.class);

    public static final String PATH = "/audit/v1/events";
    static final int DEFAULT_LIMIT = 500;
    static final int MAX_LIMIT = 5000;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);

    private final AuditStore store;
    private final AuditAccess access;
    private final Scheduler scheduler;

    public AuditHandler(AuditStore store, AuditAccess access, Scheduler scheduler) {
        this.store = store;
        this.access = access;
        this.scheduler = scheduler;
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        UserInfo user = request.exchange().getAttribute(AuditFilter.USER_ATTRIBUTE) instanceof UserInfo u ? u : null;
        if (user == null) {
            return error(StatusErrors.unauthorized());
        }
        return Mono.fromCallable(() -> Json.write(page(user, request)))
                .subscribeOn(scheduler)
                .flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body))
                .onErrorResume(e -> error(e instanceof ApiException api ? api : storeFailure(e)));
    }

    private static ApiException storeFailure(Throwable e) {
        log.warn("audit query failed", e);
        return StatusErrors.internal("the audit store could not be read");
    }

    private ObjectNode page(UserInfo user, ServerRequest request) {
        String namespace = param(request, "namespace");
        Set<String> visible = visibleNamespaces(user, namespace);
        AuditQuery query = new AuditQuery(namespace, param(request, "user"), param(request, "verb"),
                since(param(request, "since")), limit(param(request, "limit")), position(param(request, "continue")),
                visible);
        return json(store.query(query));
    }

    /** null: everything; else the namespaces whose entries the user may read. */
    private Set<String> visibleNamespaces(UserInfo user, String namespace) {
        if (access.seesAll(user)) {
            return null;
        }
        Set<String> admin = access.adminNamespaces(user);
        if (admin.isEmpty()) {
            throw StatusErrors.forbidden("forbidden: User \"" + user.name() + "\" cannot get path \"" + PATH + "\"");
        }
        if (namespace != null && !admin.contains(namespace)) {
            throw StatusErrors.forbidden("forbidden: User \"" + user.name() + "\" cannot get path \"" + PATH
                    + "\" in the namespace \"" + namespace + "\": only admins of a namespace may read its audit trail");
        }
        return admin;
    }

    private static String param(ServerRequest request, String name) {
        String value = request.queryParam(name).orElse(null);
        return value == null || value.isEmpty() ? null : value;
    }

    static Instant since(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw StatusErrors.badRequest("invalid since \"" + value
                    + "\": expected an RFC 3339 time such as 2006-01-02T15:04:05Z");
        }
    }

    /** Absent: the default; above the maximum: the maximum (a page may always be shorter than asked). */
    static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw StatusErrors.badRequest("invalid limit \"" + value + "\": expected a positive integer");
        }
        if (n < 1) {
            throw StatusErrors.badRequest("invalid limit \"" + value + "\": expected a positive integer");
        }
        return (int) Math.min(n, MAX_LIMIT);
    }

    static ContinueToken position(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ContinueToken.decode(value);
        } catch (IllegalArgumentException e) {
            throw StatusErrors.badRequest("continue key is not valid: " + e.getMessage());
        }
    }

    private static ObjectNode json(AuditPage page) {
        ObjectNode root = Json.object();
        ArrayNode items = root.putArray("items");
        for (AuditEvent e : page.items()) {
            ObjectNode item = items.addObject();
            item.put("id", e.id());
            item.put("time", TIME.format(e.time()));
            item.put("user", e.user());
            ArrayNode groups = item.putArray("groups");
            e.groups().forEach(groups::add);
            item.put("sourceIP", e.sourceIp());
            item.put("verb", e.verb());
            item.put("apiGroup", e.apiGroup());
            item.put("resource", e.resource());
            item.put("subresource", e.subresource());
            item.put("namespace", e.namespace());
            item.put("name", e.name());
            item.put("requestURI", e.requestUri());
            item.put("code", e.code());
            item.put("latencyMs", e.latencyMs());
            item.put("userAgent", e.userAgent());
            if (e.requestBody() != null) {
                item.put("requestBody", e.requestBody());
                item.put("requestBodyTruncated", e.bodyTruncated());
            }
            if (e.bodyNote() != null) {
                item.put("requestBodyNote", e.bodyNote());
            }
        }
        if (page.next() != null) {
            root.put("continue", page.next().encode());
        }
        return root;
    }

    private static Mono<ServerResponse> error(ApiException e) {
        return ServerResponse.status(HttpStatusCode.valueOf(e.code())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Json.write(e.status()));
    }
}
