package io.berth.apimachinery.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;

import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a JWT that claims to come from this cluster's issuer, as Kubernetes' service-account token authenticator
 * does before it looks at any object: only ES256 signatures by one of the issuer's keys, expiry, not-before and
 * issued-at with a small leeway, and an audience among the accepted ones. Whether the ServiceAccount, pod or node
 * Secret still exists is the caller's question (it needs a view of the cluster).
 *
 * <p>A token that is not a JWT, or whose unverified {@code iss} is another issuer's, is {@link NotOurs}: another
 * authenticator may know it. Anything else that fails is {@link Rejected} with a reason for logs, which never
 * contains the token. Thread safe.
 */
public final class TokenVerifier {

    /** The most clock skew tolerated; Kubernetes uses one minute. */
    public static final Duration MAX_LEEWAY = Duration.ofSeconds(60);

    /** The outcome of {@link #verify}. */
    public sealed interface Result permits Verified, Rejected, NotOurs {
    }

    /** A valid token of this issuer. */
    public record Verified(TokenClaims claims) implements Result {
    }

    /** A token of this issuer that must not be accepted; {@code reason} is safe to log. */
    public record Rejected(String reason) implements Result {
    }

    /** Not a JWT of this issuer. */
    public record NotOurs(String why) implements Result {
    }

    private final String issuer;
    private final Map<String, ECDSAVerifier> byKeyId;
    private final Clock clock;
    private final Duration leeway;

    /**
     * @param issuer the {@code iss} this cluster signs with
     * @param keys   the issuer's public keys (several while a key is being rotated)
     * @param leeway clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}, between 0 and {@link #MAX_LEEWAY}
     */
    public TokenVerifier(String issuer, List<ECPublicKey> keys, Clock clock, Duration leeway) {
        if (issuer == null || issuer.isEmpty()) {
            throw new IllegalArgumentException("the service account issuer must not be empty");
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one service account public key is needed");
        }
        if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0) {
            throw new IllegalArgumentException("the token leeway must be between 0 and " + MAX_LEEWAY.toSeconds()
                    + " s, got " + leeway.toSeconds() + " s");
        }
        this.issuer = issuer;
        this.clock = clock;
        this.leeway = leeway;
        Map<String, ECDSAVerifier> verifiers = new LinkedHashMap<>();
        for (ECPublicKey key : keys) {
            try {
                verifiers.put(ServiceAccountKeys.keyId(key), new ECDSAVerifier(key));
            } catch (JOSEException e) {
                throw new IllegalArgumentException("not an ES256 verification key: " + e.getMessage());
            }
        }
        this.byKeyId = Map.copyOf(verifiers);
    }

    public String issuer() {
        return issuer;
    }

    /**
     * Verifies {@code token} for a recipient that accepts {@code audiences}.
     *
     * @return {@link Verified} with the claims, {@link Rejected} with a reason, or {@link NotOurs}
     */
    public Result verify(String token, Collection<String> audiences) {
        if (token == null || token.isEmpty()) {
            return new NotOurs("no token");
        }
        JWT jwt;
        JWTClaimsSet unverified;
        try {
            jwt = JWTParser.parse(token);
            unverified = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return new NotOurs("not a JWT");
        }
        if (unverified == null) {
            return new NotOurs("an encrypted JWT");
        }
        if (!issuer.equals(unverified.getIssuer())) {
            return new NotOurs("issued by another issuer");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return new Rejected("the token is not signed (alg " + jwt.getHeader().getAlgorithm() + ")");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!ServiceAccountKeys.ALGORITHM.equals(alg)) {
            return new Rejected("the token is signed with " + alg + ", only " + ServiceAccountKeys.ALGORITHM
                    + " is accepted");
        }
        if (!signatureValid(signed)) {
            return new Rejected("the token's signature does not verify with the issuer's keys");
        }
        Rejected timing = checkTimes(unverified);
        if (timing != null) {
            return timing;
        }
        List<String> tokenAudiences = unverified.getAudience();
        if (tokenAudiences.stream().noneMatch(audiences::contains)) {
            return new Rejected("the token's audiences " + tokenAudiences + " are not among the accepted audiences "
                    + audiences);
        }
        try {
            return new Verified(TokenClaimsParser.parse(unverified));
        } catch (IllegalArgumentException | ParseException e) {
            return new Rejected("the token's claims are malformed: " + e.getMessage());
        }
    }

    private boolean signatureValid(SignedJWT jwt) {
        String kid = jwt.getHeader().getKeyID();
        try {
            if (kid != null) {
                ECDSAVerifier verifier = byKeyId.get(kid);
                return verifier != null && jwt.verify(verifier);
            }
            for (ECDSAVerifier verifier : byKeyId.values()) {
                if (jwt.verify(verifier)) {
                    return true;
                }
            }
            return false;
        } catch (JOSEException e) {
            // unsupported critical headers, a malformed signature: not valid either way
            return false;
        }
    }

    private Rejected checkTimes(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return new Rejected("the token has no expiry");
        }
        if (now.isAfter(exp.toInstant().plus(leeway))) {
            return new Rejected("the token has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(leeway).isBefore(nbf.toInstant())) {
            return new Rejected("the token is not valid yet");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now.plus(leeway).isBefore(iat.toInstant())) {
            return new Rejected("the token was issued in the future");
        }
        return null;
    }
}
