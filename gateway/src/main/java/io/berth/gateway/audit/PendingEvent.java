package io.berth.gateway.audit;

import io.berth.apimachinery.request.RequestInfo;

/**
 * An audit event waiting for the writer: the event without its body, and the captured body that the writer redacts
 * off the request path.
 *
 * @param body null when the request had no body to record
 */
record PendingEvent(AuditEvent event, RequestInfo info, CapturedBody body) {

    int bodySize() {
        return body == null ? 0 : body.size();
    }

    PendingEvent withoutBody(String note) {
        return new PendingEvent(event.withBody(RecordedBody.notRecorded(note)), info, null);
    }

    /** The event as it is stored. */
    AuditEvent toEvent() {
        return body == null ? event : event.withBody(RequestBodies.record(info, body));
    }
}
