package io.berth.apimachinery.auth;

import com.nimbusds.jwt.JWTClaimsSet;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/** Reads {@link TokenClaims} back from a verified claims set; a missing or mistyped claim is an error. Stateless. */
final class TokenClaimsParser {

    private TokenClaimsParser() {
    }

    static TokenClaims parse(JWTClaimsSet set) throws ParseException {
        Map<String, Object> kubernetes = set.getJSONObjectClaim(TokenClaims.KUBERNETES_CLAIM);
        Map<String, Object> node = set.getJSONObjectClaim(TokenClaims.NODE_CREDENTIAL_CLAIM);
        TokenClaims.ServiceAccountClaim serviceAccount = kubernetes == null ? null
                : new TokenClaims.ServiceAccountClaim(string(kubernetes, "namespace"),
                        ref(kubernetes, "serviceaccount"), optionalRef(kubernetes, "pod"),
                        optionalRef(kubernetes, "node"));
        TokenClaims.NodeCredentialClaim nodeCredential = node == null ? null
                : new TokenClaims.NodeCredentialClaim(string(node, "secretName"), string(node, "secretUid"),
                        string(node, "node"));
        return new TokenClaims(set.getIssuer(), set.getSubject(), set.getAudience(), instant(set.getIssueTime(), "iat"),
                instant(set.getNotBeforeTime(), "nbf"), instant(set.getExpirationTime(), "exp"), set.getJWTID(),
                serviceAccount, nodeCredential);
    }

    private static Instant instant(Date date, String claim) {
        if (date == null) {
            throw new IllegalArgumentException(claim + " is missing");
        }
        return date.toInstant();
    }

    private static TokenClaims.Ref ref(Map<String, Object> parent, String key) {
        TokenClaims.Ref ref = optionalRef(parent, key);
        if (ref == null) {
            throw new IllegalArgumentException(key + " is missing");
        }
        return ref;
    }

    @SuppressWarnings("unchecked")
    private static TokenClaims.Ref optionalRef(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(key + " is not an object");
        }
        Map<String, Object> m = (Map<String, Object>) map;
        Object uid = m.get("uid");
        if (uid != null && !(uid instanceof String)) {
            throw new IllegalArgumentException(key + ".uid is not a string");
        }
        return new TokenClaims.Ref(string(m, "name"), (String) uid);
    }

    private static String string(Map<String, Object> parent, String key) {
        if (!(parent.get(key) instanceof String s)) {
            throw new IllegalArgumentException(key + " is missing or not a string");
        }
        return s;
    }
}
