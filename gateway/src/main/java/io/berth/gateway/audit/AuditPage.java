package io.berth.gateway.audit;

import java.util.List;

/**
 * A page of the trail, newest first.
 *
 * @param next where the next page starts, or null when this is the last
 */
record AuditPage(List<AuditEvent> items, ContinueToken next) {

    AuditPage {
        items = List.copyOf(items);
    }
}
