package io.berth.gateway.authn;

import io.berth.apimachinery.auth.ServiceAccountKeys;
import io.berth.apimachinery.auth.TokenClaims;
import io.berth.apimachinery.auth.TokenVerifier;
import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.StatusErrors;
import io.fabric8.kubernetes.api.model.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JWTs of this cluster's issuer, as Kubernetes' service-account token authenticator: the signature (ES256, the
 * issuer's public key), {@code exp}/{@code nbf}/{@code iat} with the verifier's leeway and an audience among the
 * accepted ones first; then the objects the token is bound to, which must still exist with the uid the token names.
 *
 * <ul>
 *   <li>ServiceAccount tokens: the ServiceAccount, and the pod when the token is pod-bound →
 *       {@code system:serviceaccount:<ns>:<name>} (uid = the ServiceAccount's) in {@code system:serviceaccounts},
 *       {@code system:serviceaccounts:<ns>} and {@code system:authenticated}, with Kubernetes' extra
 *       {@code authentication.kubernetes.io/pod-name}, {@code pod-uid}, {@code node-name}, {@code node-uid} and
 *       {@code credential-id} ({@code JTI=<jti>}).</li>
 *   <li>Node credentials: the Secret {@code kube-system/<secretName>} of type {@value #NODE_CREDENTIAL_SECRET_TYPE}
 *       with the token's uid and node, not being deleted → {@code system:node:<name>} in {@code system:nodes} and
 *       {@code system:authenticated}. Deleting that Secret revokes the credential.</li>
 * </ul>
 *
 * Not a JWT, or a JWT of another issuer: empty. Anything else that fails: 401, with the reason logged at debug level
 * (never the token). Thread safe.
 */
public final class ServiceAccountTokenAuthenticator implements TokenAuthenticator {

    public static final String NODE_CREDENTIAL_SECRET_TYPE = "berth.io/node-credential";
    public static final String ALL_SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts";
    public static final String NODES_GROUP = "system:nodes";
    public static final String AUTHENTICATED_GROUP = "system:authenticated";
    public static final String POD_NAME_KEY = "authentication.kubernetes.io/pod-name";
    public static final String POD_UID_KEY = "authentication.kubernetes.io/pod-uid";
    public static final String NODE_NAME_KEY = "authentication.kubernetes.io/node-name";
    public static final String NODE_UID_KEY = "authentication.kubernetes.io/node-uid";
    public static final String CREDENTIAL_ID_KEY = "authentication.kubernetes.io/credential-id";
    /** How recently a token must have been issued for a cache miss to be checked with the api-service. */
    static final java.time.Duration FRESH = java.time.Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(ServiceAccountTokenAuthenticator.class);

    private final TokenVerifier verifier;
    private final List<String> audiences;
    private final CredentialLookups lookups;
    private final Clock clock;

    /**
     * @param audiences the audiences this gateway accepts (the api-service's {@code api-audiences}); a token must
     *                  name at least one of them
     */
    public ServiceAccountTokenAuthenticator(TokenVerifier verifier, List<String> audiences, CredentialLookups lookups) {
        this(verifier, audiences, lookups, Clock.systemUTC());
    }

    /** @param clock tells a fresh token (whose object may not be cached yet) from an old one */
    public ServiceAccountTokenAuthenticator(TokenVerifier verifier, List<String> audiences, CredentialLookups lookups,
                                            Clock clock) {
        this.clock = clock;
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("at least one accepted audience is needed");
        }
        this.verifier = verifier;
        this.audiences = List.copyOf(audiences);
        this.lookups = lookups;
    }

    /**
     * An authenticator over the public key file the api-service's key pair comes with ({@code sa.pub}, or a JWK set
     * document such as {@code /openid/v1/jwks}), tolerating {@link TokenVerifier#MAX_LEEWAY} of clock skew as
     * Kubernetes does.
     *
     * @param audiences accepted audiences; empty means the issuer alone, the api-service's default
     * @throws IllegalStateException naming the file when it is missing or holds no P-256 key
     */
    public static ServiceAccountTokenAuthenticator fromKeyFile(Path publicKeyFile, String issuer,
                                                               List<String> audiences, CredentialLookups lookups,
                                                               Clock clock) {
        TokenVerifier verifier = new TokenVerifier(issuer, ServiceAccountKeys.readPublicKeys(publicKeyFile), clock,
                TokenVerifier.MAX_LEEWAY);
        return new ServiceAccountTokenAuthenticator(verifier, audiences.isEmpty() ? List.of(issuer) : audiences,
                lookups, clock);
    }

    @Override
    public Optional<UserInfo> authenticate(String token) {
        TokenVerifier.Result result = verifier.verify(token, audiences);
        if (result instanceof TokenVerifier.NotOurs) {
            return Optional.empty();
        }
        if (result instanceof TokenVerifier.Rejected rejected) {
            throw refuse(rejected.reason());
        }
        TokenClaims claims = ((TokenVerifier.Verified) result).claims();
        try {
            return Optional.of(claims.serviceAccount() != null ? serviceAccountUser(claims) : nodeUser(claims));
        } catch (CacheMiss miss) {
            // an object a token is bound to always exists before the token is issued: only a fresh token's object
            // can be missing from a cache that is merely behind; an old token's is gone (a revoked credential)
            if (claims.issuedAt().isAfter(clock.instant().minus(FRESH))) {
                throw miss;
            }
            throw refuse(miss.getMessage());
        }
    }

    private UserInfo serviceAccountUser(TokenClaims claims) {
        TokenClaims.ServiceAccountClaim sa = claims.serviceAccount();
        String namespace = sa.namespace();
        String name = sa.serviceAccount().name();
        String uid = lookups.serviceAccountUid(namespace, name)
                .orElseThrow(() -> refuse("ServiceAccount " + namespace + "/" + name + " does not exist"));
        if (!uid.equals(sa.serviceAccount().uid())) {
            throw refuse("ServiceAccount " + namespace + "/" + name + " has uid " + uid + ", the token names "
                    + sa.serviceAccount().uid());
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (sa.pod() != null) {
            String podUid = lookups.podUid(namespace, sa.pod().name())
                    .orElseThrow(() -> refuse("the bound pod " + namespace + "/" + sa.pod().name() + " does not exist"));
            if (!podUid.equals(sa.pod().uid())) {
                throw refuse("the bound pod " + namespace + "/" + sa.pod().name() + " has uid " + podUid
                        + ", the token names " + sa.pod().uid());
            }
            extra.put(POD_NAME_KEY, List.of(sa.pod().name()));
            extra.put(POD_UID_KEY, List.of(sa.pod().uid()));
        }
        if (sa.node() != null) {
            extra.put(NODE_NAME_KEY, List.of(sa.node().name()));
            if (!sa.node().uid().isEmpty()) {
                extra.put(NODE_UID_KEY, List.of(sa.node().uid()));
            }
        }
        extra.put(CREDENTIAL_ID_KEY, List.of("JTI=" + claims.id()));
        return new UserInfo(claims.subject(), uid, List.of(ALL_SERVICE_ACCOUNTS_GROUP,
                ALL_SERVICE_ACCOUNTS_GROUP + ":" + namespace, AUTHENTICATED_GROUP), extra);
    }

    private UserInfo nodeUser(TokenClaims claims) {
        TokenClaims.NodeCredentialClaim credential = claims.nodeCredential();
        String where = "node credential Secret kube-system/" + credential.secretName();
        Secret secret = lookups.kubeSystemSecret(credential.secretName())
                .orElseThrow(() -> refuse(where + " does not exist"));
        if (!NODE_CREDENTIAL_SECRET_TYPE.equals(secret.getType())) {
            throw refuse(where + " has type " + secret.getType());
        }
        if (secret.getMetadata() == null || !credential.secretUid().equals(secret.getMetadata().getUid())) {
            throw refuse(where + " is not the one the credential was issued with (uid)");
        }
        if (secret.getMetadata().getDeletionTimestamp() != null) {
            throw refuse(where + " is being deleted");
        }
        String node = secret.getData() == null ? null : decode(secret.getData().get("node"));
        if (!credential.node().equals(node)) {
            throw refuse(where + " belongs to another node");
        }
        return new UserInfo(claims.subject(), "", List.of(NODES_GROUP, AUTHENTICATED_GROUP),
                Map.of(CREDENTIAL_ID_KEY, List.of("JTI=" + claims.id())));
    }

    private static String decode(String base64) {
        if (base64 == null) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static RuntimeException refuse(String reason) {
        log.debug("service account token refused: {}", reason);
        return StatusErrors.unauthorized();
    }
}
