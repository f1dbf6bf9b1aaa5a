package io.berth.gateway.authn;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.StatusErrors;
import io.fabric8.kubernetes.api.model.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' bootstrap tokens ({@code <token-id>.<token-secret>}, 6 and 16 characters of {@code [a-z0-9]}), what a
 * new node presents to register and get its node credential. The token is valid while the Secret
 * {@code kube-system/bootstrap-token-<token-id>} of type {@value #SECRET_TYPE} exists, is not being deleted, holds the
 * same {@code token-id} and {@code token-secret} (compared in constant time), has
 * {@code usage-bootstrap-authentication: "true"} and an {@code expiration} (RFC 3339) not passed, if any. The user is
 * {@code system:bootstrap:<token-id>} in {@code system:bootstrappers}, the groups of {@code auth-extra-groups} (each
 * must start with {@code system:bootstrappers:}, else the token is refused) and {@code system:authenticated}.
 *
 * <p>A token of another format: empty. A well-formed token that does not match a valid Secret: 401; why is logged at
 * debug level with the token id only, never the secret. Thread safe.
 */
public final class BootstrapTokenAuthenticator implements TokenAuthenticator {

    public static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";
    public static final String SECRET_PREFIX = "bootstrap-token-";
    public static final String USER_PREFIX = "system:bootstrap:";
    public static final String BOOTSTRAPPERS_GROUP = "system:bootstrappers";

    private static final Pattern TOKEN = Pattern.compile("^([a-z0-9]{6})\\.([a-z0-9]{16})$");
    private static final Pattern EXTRA_GROUP = Pattern.compile("^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$");
    private static final Logger log = LoggerFactory.getLogger(BootstrapTokenAuthenticator.class);

    private final CredentialLookups lookups;
    private final Clock clock;

    public BootstrapTokenAuthenticator(CredentialLookups lookups, Clock clock) {
        this.lookups = lookups;
        this.clock = clock;
    }

    @Override
    public Optional<UserInfo> authenticate(String token) {
        Matcher m = token == null ? null : TOKEN.matcher(token);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        String id = m.group(1);
        Secret secret = lookups.kubeSystemSecret(SECRET_PREFIX + id)
                .orElseThrow(() -> refuse(id, "has no Secret kube-system/" + SECRET_PREFIX + id));
        if (secret.getMetadata() != null && secret.getMetadata().getDeletionTimestamp() != null) {
            throw refuse(id, "has a Secret that is being deleted");
        }
        if (!SECRET_TYPE.equals(secret.getType()) || secret.getData() == null) {
            throw refuse(id, "has a Secret of type " + secret.getType() + ", not " + SECRET_TYPE);
        }
        Map<String, String> data = secret.getData();
        byte[] expected = bytes(data, "token-secret");
        if (!MessageDigest.isEqual(expected, m.group(2).getBytes(StandardCharsets.UTF_8))) {
            throw refuse(id, "does not match its Secret's token-secret");
        }
        if (!id.equals(string(data, "token-id"))) {
            throw refuse(id, "has a Secret whose token-id differs");
        }
        String expiration = string(data, "expiration");
        if (!expiration.isEmpty() && expired(expiration)) {
            throw refuse(id, "has expired (or its expiration is not RFC 3339)");
        }
        if (!"true".equals(string(data, "usage-bootstrap-authentication"))) {
            throw refuse(id, "is not marked usage-bootstrap-authentication=true");
        }
        TreeSet<String> groups = new TreeSet<>(List.of(BOOTSTRAPPERS_GROUP));
        String extra = string(data, "auth-extra-groups");
        if (!extra.isEmpty()) {
            for (String group : extra.split(",", -1)) {
                if (!EXTRA_GROUP.matcher(group).matches()) {
                    throw refuse(id, "has an auth-extra-groups entry that does not start with "
                            + BOOTSTRAPPERS_GROUP + ": (or is malformed)");
                }
                groups.add(group);
            }
        }
        List<String> all = new ArrayList<>(groups);
        all.add(ServiceAccountTokenAuthenticator.AUTHENTICATED_GROUP);
        return Optional.of(UserInfo.of(USER_PREFIX + id, "", all));
    }

    /** As Kubernetes: an expiration that does not parse counts as expired. */
    private boolean expired(String expiration) {
        try {
            Instant at = OffsetDateTime.parse(expiration).toInstant();
            return clock.instant().isAfter(at);
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    private static byte[] bytes(Map<String, String> data, String key) {
        String value = data.get(key);
        if (value == null) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static String string(Map<String, String> data, String key) {
        return new String(bytes(data, key), StandardCharsets.UTF_8);
    }

    private static RuntimeException refuse(String id, String why) {
        log.debug("bootstrap token {} refused: it {}", id, why);
        return StatusErrors.unauthorized();
    }
}
