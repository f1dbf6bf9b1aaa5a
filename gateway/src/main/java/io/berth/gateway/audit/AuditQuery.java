package io.berth.gateway.audit;

import java.time.Instant;
import java.util.Set;

/**
 * One page's worth of the trail: filters, page size and position. Immutable.
 *
 * @param namespace         only entries of this namespace, or null
 * @param user              only entries of this user name, or null
 * @param verb              only entries with this verb, or null
 * @param since             only entries received at or after this time, or null
 * @param limit             at most this many entries
 * @param after             start strictly after this position (newest first), or null for the newest
 * @param visibleNamespaces only entries of these namespaces (cluster-scoped and non-resource entries excluded), or
 *                          null for every entry
 */
record AuditQuery(String namespace, String user, String verb, Instant since, int limit, ContinueToken after,
                  Set<String> visibleNamespaces) {

    AuditQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        if (visibleNamespaces != null) {
            if (visibleNamespaces.isEmpty()) {
                throw new IllegalArgumentException("an empty namespace set sees nothing: refuse the query instead");
            }
            visibleNamespaces = Set.copyOf(visibleNamespaces);
        }
    }

    static AuditQuery newest(int limit) {
        return new AuditQuery(null, null, null, null, limit, null, null);
    }

    AuditQuery after(ContinueToken position) {
        return new AuditQuery(namespace, user, verb, since, limit, position, visibleNamespaces);
    }
}
