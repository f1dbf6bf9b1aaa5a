package io.berth.gateway.audit;

/**
 * A request body as the audit trail keeps it: redacted text, or only a note saying why nothing is kept.
 *
 * @param text      the body (Secrets redacted), or null
 * @param truncated only the beginning of the body is kept
 * @param note      why the body is not kept, or null
 */
public record RecordedBody(String text, boolean truncated, String note) {

    public static final RecordedBody NONE = new RecordedBody(null, false, null);

    public static RecordedBody notRecorded(String why) {
        return new RecordedBody(null, false, "body not recorded: " + why);
    }
}
