package io.berth.node.images;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference normalized the way Kubernetes' runtimes look images up (Docker's
 * {@code ParseNormalizedNamed} + {@code TagNameOnly}): {@code busybox}, {@code busybox:latest},
 * {@code library/busybox} and {@code docker.io/library/busybox:latest} are one reference. A reference without tag or
 * digest gets the tag {@code latest}.
 *
 * @param repository the full repository, e.g. {@code docker.io/library/busybox}, {@code registry.local:5000/team/app}
 * @param tag        the tag, or {@code null} when the reference names a digest only
 * @param digest     the digest ({@code sha256:...}), or {@code null}
 */
public record ImageReference(String repository, String tag, String digest) {

    private static final String DEFAULT_DOMAIN = "docker.io";
    private static final String LEGACY_DEFAULT_DOMAIN = "index.docker.io";
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
                    + "(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}");
    /** A bare image id, accepted by runtimes as a lookup key. */
    private static final Pattern IMAGE_ID = Pattern.compile("sha256:[0-9a-f]{64}");

    /** The reference {@code text} normalizes to, or empty when it is not a valid image reference. */
    public static Optional<ImageReference> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 4096) {
            return Optional.empty();
        }
        String rest = text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                return Optional.empty();
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                return Optional.empty();
            }
        }
        String domain;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        // Docker's rule: the first component is a registry only if it looks like one.
        if (slash < 0 || (!first.contains(".") && !first.contains(":") && !first.equals("localhost")
                && first.equals(first.toLowerCase(java.util.Locale.ROOT)))) {
            domain = DEFAULT_DOMAIN;
            path = rest;
        } else {
            domain = first;
            path = rest.substring(slash + 1);
        }
        if (domain.equals(LEGACY_DEFAULT_DOMAIN)) {
            domain = DEFAULT_DOMAIN;
        }
        if (domain.equals(DEFAULT_DOMAIN) && !path.contains("/")) {
            path = "library/" + path;
        }
        if (!DOMAIN.matcher(domain).matches()) {
            return Optional.empty();
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                return Optional.empty();
            }
        }
        String repository = domain + "/" + path;
        if (repository.length() > 255) {
            return Optional.empty();
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return Optional.of(new ImageReference(repository, tag, digest));
    }

    /** Whether {@code text} is a bare image id ({@code sha256:<64 hex>}), which runtimes accept as a reference too. */
    public static boolean isImageId(String text) {
        return text != null && IMAGE_ID.matcher(text).matches();
    }

    /** The full normalized form, e.g. {@code docker.io/library/busybox:latest}. */
    @Override
    public String toString() {
        return repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
