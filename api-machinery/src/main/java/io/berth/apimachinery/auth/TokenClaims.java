package io.berth.apimachinery.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The claims of a Berth-issued JWT: a ServiceAccount token (Kubernetes' shape: {@code sub}
 * {@code system:serviceaccount:<ns>:<name>} and the private claim {@code kubernetes.io}) or a node credential
 * ({@code sub} {@code system:node:<name>} and the private claim {@code berth.io/node-credential}). Exactly one of
 * {@link #serviceAccount()} and {@link #nodeCredential()} is set, and the subject always agrees with it, so a token
 * can never claim one identity in {@code sub} and another in its private claim. Times are whole seconds, as JWT's
 * NumericDate. Immutable.
 *
 * @param id             {@code jti}: a random UUID per token, reported as the credential id
 * @param serviceAccount the {@code kubernetes.io} claim, or null for a node credential
 * @param nodeCredential the {@code berth.io/node-credential} claim, or null for a ServiceAccount token
 */
public record TokenClaims(
        String issuer,
        String subject,
        List<String> audiences,
        Instant issuedAt,
        Instant notBefore,
        Instant expiry,
        String id,
        ServiceAccountClaim serviceAccount,
        NodeCredentialClaim nodeCredential) {

    public static final String SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:";
    public static final String NODE_USER_PREFIX = "system:node:";
    /** Kubernetes' private claim. */
    public static final String KUBERNETES_CLAIM = "kubernetes.io";
    /** Berth's private claim of node credentials. */
    public static final String NODE_CREDENTIAL_CLAIM = "berth.io/node-credential";

    /** A referenced object: name and uid. */
    public record Ref(String name, String uid) {
        public Ref {
            requireText(name, "name");
            uid = uid == null ? "" : uid;
        }
    }

    /**
     * Kubernetes' {@code kubernetes.io} claim.
     *
     * @param pod  the pod the token is bound to, or null
     * @param node the node that pod runs on (uid empty when the Node object did not exist), or null
     */
    public record ServiceAccountClaim(String namespace, Ref serviceAccount, Ref pod, Ref node) {
        public ServiceAccountClaim {
            requireText(namespace, "namespace");
            Objects.requireNonNull(serviceAccount, "serviceAccount");
            requireText(serviceAccount.uid(), "serviceaccount uid");
            if (pod != null) {
                requireText(pod.uid(), "pod uid");
            }
        }
    }

    /**
     * Berth's {@code berth.io/node-credential} claim: the credential is valid while the Secret
     * {@code kube-system/<secretName>} with this uid exists.
     */
    public record NodeCredentialClaim(String secretName, String secretUid, String node) {
        public NodeCredentialClaim {
            requireText(secretName, "secretName");
            requireText(secretUid, "secretUid");
            requireText(node, "node");
        }
    }

    public TokenClaims {
        requireText(issuer, "iss");
        requireText(subject, "sub");
        audiences = List.copyOf(audiences);
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("aud must name at least one audience");
        }
        Objects.requireNonNull(issuedAt, "iat");
        Objects.requireNonNull(notBefore, "nbf");
        Objects.requireNonNull(expiry, "exp");
        requireText(id, "jti");
        if ((serviceAccount == null) == (nodeCredential == null)) {
            throw new IllegalArgumentException("a token carries exactly one of the claims " + KUBERNETES_CLAIM
                    + " and " + NODE_CREDENTIAL_CLAIM);
        }
        String expected = serviceAccount != null
                ? serviceAccountUser(serviceAccount.namespace(), serviceAccount.serviceAccount().name())
                : NODE_USER_PREFIX + nodeCredential.node();
        if (!subject.equals(expected)) {
            throw new IllegalArgumentException("sub " + subject + " does not match the private claim (" + expected + ")");
        }
    }

    /** A ServiceAccount token's claims, issued now for {@code lifetime}, with a fresh {@code jti}. */
    public static TokenClaims serviceAccount(String issuer, List<String> audiences, Instant now, Duration lifetime,
                                             ServiceAccountClaim claim) {
        Instant iat = now.truncatedTo(ChronoUnit.SECONDS);
        return new TokenClaims(issuer, serviceAccountUser(claim.namespace(), claim.serviceAccount().name()), audiences,
                iat, iat, iat.plus(lifetime), UUID.randomUUID().toString(), claim, null);
    }

    /** A node credential's claims, issued now for {@code lifetime}, with a fresh {@code jti}. */
    public static TokenClaims nodeCredential(String issuer, List<String> audiences, Instant now, Duration lifetime,
                                             NodeCredentialClaim claim) {
        Instant iat = now.truncatedTo(ChronoUnit.SECONDS);
        return new TokenClaims(issuer, NODE_USER_PREFIX + claim.node(), audiences, iat, iat, iat.plus(lifetime),
                UUID.randomUUID().toString(), null, claim);
    }

    /** {@code system:serviceaccount:<namespace>:<name>}, Kubernetes' ServiceAccount user name. */
    public static String serviceAccountUser(String namespace, String name) {
        return SERVICE_ACCOUNT_USER_PREFIX + namespace + ":" + name;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }
}
