package io.berth.apiserver.credentials;

import io.berth.apimachinery.auth.TokenClaims;
import io.berth.apimachinery.auth.TokenSigner;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.validation.NameValidation;
import io.berth.apiserver.admission.Admission;
import io.berth.apiserver.auth.Requester;
import io.berth.apimachinery.auth.UserInfo;
import io.berth.apiserver.storage.EtcdErrors;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.strategy.Defaults;
import io.berth.apiserver.strategy.Strategy;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Berth's node registration, {@code POST /api/v1/nodes/{name}/token}: in one request, creates the Secret
 * {@code kube-system/node-credential-<name>} (type {@value #SECRET_TYPE}, immutable, holding the node's name and
 * never the token) with etcd's create-if-absent, then signs a JWT for {@code system:node:<name>} bound to that
 * Secret's name and uid. The credential stays valid while that Secret exists: deleting it revokes the credential and
 * lets the node register again. A second registration while the Secret exists is 409 AlreadyExists.
 *
 * <p>The body is a TokenRequest whose spec may be empty: {@code expirationSeconds} defaults to (and is shortened to)
 * the configured node-credential lifetime, {@code audiences} must be among the API audiences (default: all of them),
 * and {@code boundObjectRef} must be unset. Who may call it is the gateway's decision (RBAC {@code create nodes/token},
 * granted to {@code system:bootstrappers}); the Node object need not exist. A dry run admits and validates the Secret
 * and checks it is absent, but creates nothing and answers without a token. Thread safe.
 */
public final class NodeCredentialIssuer {

    public static final String SECRET_TYPE = "berth.io/node-credential";
    public static final String SECRET_NAMESPACE = "kube-system";
    public static final String SECRET_PREFIX = "node-credential-";
    /** The Secret's key holding the node name. */
    public static final String NODE_KEY = "node";
    /** Annotation naming the user who registered the node (e.g. {@code system:bootstrap:abcdef}). */
    public static final String REGISTERED_BY_ANNOTATION = "berth.io/registered-by";

    private final ResourceType secrets;
    private final EtcdStore store;
    private final Admission admission;
    private final TokenSigner signer;
    private final CredentialProperties props;
    private final Clock clock;

    public NodeCredentialIssuer(ResourceRegistry registry, EtcdStore store, Admission admission, TokenSigner signer,
                                CredentialProperties props, Clock clock) {
        this.secrets = registry.find("", "v1", "secrets").orElseThrow();
        this.store = store;
        this.admission = admission;
        this.signer = signer;
        this.props = props;
        this.clock = clock;
    }

    /** The Secret that backs node {@code node}'s credential. */
    public static String secretName(String node) {
        return SECRET_PREFIX + node;
    }

    /**
     * Registers node {@code node} for {@code requestedBy}; fails with a Status (422 invalid request, 409 already
     * registered, 404 when kube-system is missing).
     */
    public CompletableFuture<IssuedToken> issue(String node, TokenRequest body, String requestedBy, boolean dryRun) {
        TokenRequest request = TokenRequestRules.normalize(body);
        validate(node, request);
        List<String> warnings = new ArrayList<>();
        if (request.getSpec().getAudiences().isEmpty()) {
            request.getSpec().setAudiences(new ArrayList<>(props.apiAudiences()));
        }
        if (request.getSpec().getExpirationSeconds() == null) {
            request.getSpec().setExpirationSeconds(props.nodeCredentialExpiration().toSeconds());
        }
        TokenRequestRules.validateExpiration(request.getSpec().getExpirationSeconds());
        long seconds = TokenRequestRules.capExpiration(request, props.nodeCredentialExpiration(), warnings);
        request.getMetadata().setName(node);
        request.getMetadata().setNamespace(null);
        Secret secret = secret(node, requestedBy);
        Instant now = TokenRequestRules.stamp(request, clock.instant());
        // the api-service writes the Secret itself, on the registering user's behalf: admitted as its own write
        Requester self = Requester.internal(UserInfo.of("system:berth-apiserver", "", List.of()));
        return admission.admitCreate(self, secrets, secret).thenCompose(admitted -> {
            admission.validateCreate(self, secrets, secret);
            if (dryRun) {
                return store.getKey(secrets, store.keys().key(secrets, SECRET_NAMESPACE, secret.getMetadata().getName()), 0)
                        .thenApply(existing -> {
                            if (existing != null) {
                                throw alreadyRegistered(node);
                            }
                            warnings.add("dry run: no Secret was created and no token was issued");
                            return new IssuedToken(TokenRequestRules.answer(request, null, now.plusSeconds(seconds)),
                                    warnings);
                        });
            }
            return store.create(secrets, secret, 0)
                    .exceptionally(error -> {
                        if (EtcdErrors.unwrap(error) instanceof ApiException api && api.code() == 409) {
                            throw alreadyRegistered(node);
                        }
                        throw EtcdErrors.translate(error);
                    })
                    .thenApply(stored -> {
                        TokenClaims claims = TokenClaims.nodeCredential(props.serviceAccountIssuer(),
                                request.getSpec().getAudiences(), now, Duration.ofSeconds(seconds),
                                new TokenClaims.NodeCredentialClaim(stored.object().getMetadata().getName(),
                                        stored.object().getMetadata().getUid(), node));
                        return new IssuedToken(TokenRequestRules.answer(request, signer.sign(claims),
                                claims.expiry()), warnings);
                    });
        });
    }

    private void validate(String node, TokenRequest request) {
        List<FieldError> errors = new ArrayList<>();
        for (String problem : NameValidation.isDns1123Subdomain(node)) {
            errors.add(FieldError.invalid("metadata.name", node, problem));
        }
        int maxName = NameValidation.DNS1123_SUBDOMAIN_MAX_LENGTH - SECRET_PREFIX.length();
        if (node.length() > maxName) {
            errors.add(FieldError.invalid("metadata.name", node, "must be no more than " + maxName
                    + " characters, so that Secret " + SECRET_PREFIX + "<name> is a valid name"));
        }
        if (!errors.isEmpty()) {
            throw StatusErrors.invalid(TokenRequestRules.TYPE, node, errors);
        }
        TokenRequestRules.requireUrlIdentity(request, node, "");
        if (request.getSpec().getBoundObjectRef() != null) {
            errors.add(FieldError.forbidden("spec.boundObjectRef",
                    "a node credential is bound to its own Secret, " + SECRET_NAMESPACE + "/" + secretName(node)));
        }
        for (String audience : request.getSpec().getAudiences()) {
            if (!props.apiAudiences().contains(audience)) {
                errors.add(FieldError.notSupported("spec.audiences", audience, props.apiAudiences()));
            }
        }
        if (!errors.isEmpty()) {
            throw StatusErrors.invalid(TokenRequestRules.TYPE, node, errors);
        }
    }

    private Secret secret(String node, String requestedBy) {
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withNamespace(SECRET_NAMESPACE)
                .withName(secretName(node))
                .addToAnnotations(REGISTERED_BY_ANNOTATION, requestedBy)
                .endMetadata()
                .withType(SECRET_TYPE)
                .withImmutable(true)
                .addToData(NODE_KEY, Base64.getEncoder().encodeToString(node.getBytes(StandardCharsets.UTF_8)))
                .build();
        Defaults.apply(secret);
        Strategy.prepareForCreate(secrets, secret, clock.instant());
        return secret;
    }

    private static ApiException alreadyRegistered(String node) {
        return new ApiException(StatusErrors.status(409, "AlreadyExists", "node " + node + " is already registered; "
                        + "delete Secret " + SECRET_NAMESPACE + "/" + secretName(node) + " to register it again",
                new StatusDetailsBuilder().withName(node).withKind("nodes").build()));
    }
}
