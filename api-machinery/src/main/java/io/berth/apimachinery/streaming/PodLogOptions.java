package io.berth.apimachinery.streaming;

import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.errors.StatusErrors;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The options of {@code GET pods/{name}/log}, Kubernetes' {@code PodLogOptions}, as query parameters: what the
 * api-service accepts from clients and what it passes on to the node agent's {@code /containerLogs} endpoint, which
 * reads them with the same parser. Immutable.
 *
 * @param container    the container, or null for the pod's only (or default) container
 * @param follow       keep the stream open and send what the container writes until it stops
 * @param previous     the logs of the container's previous run
 * @param timestamps   prefix every line with its RFC 3339 timestamp (nanoseconds) and a space
 * @param sinceSeconds only lines younger than this many seconds
 * @param sinceTime    only lines at or after this time
 * @param tailLines    only the last this many lines
 * @param limitBytes   stop after this many bytes of output
 * @param insecureSkipTLSVerifyBackend asks not to verify the node's serving certificate; Berth refuses it
 */
public record PodLogOptions(String container, boolean follow, boolean previous, boolean timestamps,
                            Long sinceSeconds, Instant sinceTime, Long tailLines, Long limitBytes,
                            boolean insecureSkipTLSVerifyBackend) {

    /** Kubernetes names these options' kind in 422 answers. */
    public static final String KIND = "PodLogOptions";

    /**
     * Reads the options; a value that does not parse is 400 BadRequest. Call {@link #validate} next.
     *
     * @param query every value of a query parameter by name, empty when absent
     */
    public static PodLogOptions parse(Function<String, List<String>> query) {
        QueryValues q = new QueryValues(query);
        String container = q.string("container");
        return new PodLogOptions(container == null || container.isEmpty() ? null : container,
                q.bool("follow", false), q.bool("previous", false), q.bool("timestamps", false),
                q.integer("sinceSeconds"), time(q.string("sinceTime")), q.integer("tailLines"),
                q.integer("limitBytes"), q.bool("insecureSkipTLSVerifyBackend", false));
    }

    private static Instant time(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw StatusErrors.badRequest("invalid value \"" + value + "\" for query parameter sinceTime: "
                    + "not an RFC 3339 time such as 2006-01-02T15:04:05Z");
        }
    }

    /**
     * Kubernetes' {@code ValidatePodLogOptions}: 422 Invalid naming every bad field, e.g. {@code PodLogOptions "web"
     * is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0}. Then 400 for
     * {@code insecureSkipTLSVerifyBackend}, which Berth never honours: the api-service always verifies the node.
     *
     * @param pod the pod's name, which Kubernetes puts in the message
     */
    public PodLogOptions validate(String pod) {
        List<FieldError> errors = new ArrayList<>();
        if (tailLines != null && tailLines < 0) {
            errors.add(FieldError.invalid("tailLines", tailLines, "must be greater than or equal to 0"));
        }
        if (limitBytes != null && limitBytes < 1) {
            errors.add(FieldError.invalid("limitBytes", limitBytes, "must be greater than 0"));
        }
        if (sinceSeconds != null && sinceTime != null) {
            errors.add(FieldError.forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
        } else if (sinceSeconds != null && sinceSeconds < 1) {
            errors.add(FieldError.invalid("sinceSeconds", sinceSeconds, "must be greater than 0"));
        }
        if (!errors.isEmpty()) {
            throw StatusErrors.invalid("", KIND, pod, errors);
        }
        if (insecureSkipTLSVerifyBackend) {
            throw StatusErrors.badRequest("insecureSkipTLSVerifyBackend is not supported: the api-service always "
                    + "verifies the node agent's serving certificate");
        }
        return this;
    }

    /** The earliest time a line may have, or null for no bound: {@code sinceTime}, or {@code now - sinceSeconds}. */
    public Instant since(Instant now) {
        if (sinceTime != null) {
            return sinceTime;
        }
        return sinceSeconds == null ? null : now.minusSeconds(sinceSeconds);
    }

    /**
     * The query string for the node agent ({@code follow=true&tailLines=10...}, no leading {@code ?}), with the
     * options as given: a relative {@code sinceSeconds} is resolved on the node, as the kubelet does.
     */
    public String agentQuery() {
        List<String> params = new ArrayList<>();
        if (follow) {
            params.add("follow=true");
        }
        if (previous) {
            params.add("previous=true");
        }
        if (timestamps) {
            params.add("timestamps=true");
        }
        if (sinceSeconds != null) {
            params.add("sinceSeconds=" + sinceSeconds);
        }
        if (sinceTime != null) {
            params.add("sinceTime=" + URLEncoder.encode(DateTimeFormatter.ISO_INSTANT.format(sinceTime),
                    StandardCharsets.UTF_8));
        }
        if (tailLines != null) {
            params.add("tailLines=" + tailLines);
        }
        if (limitBytes != null) {
            params.add("limitBytes=" + limitBytes);
        }
        return String.join("&", params);
    }
}
