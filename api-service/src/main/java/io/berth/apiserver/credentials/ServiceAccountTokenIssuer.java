package io.berth.apiserver.credentials;

import io.berth.apimachinery.auth.TokenClaims;
import io.berth.apimachinery.auth.TokenSigner;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.storage.EtcdErrors;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.storage.Stored;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token}, as Kubernetes' TokenREST: the ServiceAccount
 * must exist; {@code spec.expirationSeconds} defaults to 3600, must be at least 600 and is shortened to the configured
 * maximum (with a warning); {@code spec.audiences} defaults to the API audiences; a {@code boundObjectRef} to a Pod
 * binds the token to that pod (which must exist, run as this ServiceAccount and match the given uid) and records
 * the pod's node. Nothing is stored, so a dry run answers with a token too, as Kubernetes does.
 *
 * <p>Binding to a Secret or a Node, which Kubernetes allows, is refused with 422 for now: the gateway's
 * authenticator can only check pod bindings. Thread safe.
 */
public final class ServiceAccountTokenIssuer {

    private final ResourceType serviceAccounts;
    private final ResourceType pods;
    private final ResourceType nodes;
    private final EtcdStore store;
    private final TokenSigner signer;
    private final CredentialProperties props;
    private final Clock clock;

    public ServiceAccountTokenIssuer(ResourceRegistry registry, EtcdStore store, TokenSigner signer,
                                     CredentialProperties props, Clock clock) {
        this.serviceAccounts = registry.find("", "v1", "serviceaccounts").orElseThrow();
        this.pods = registry.find("", "v1", "pods").orElseThrow();
        this.nodes = registry.find("", "v1", "nodes").orElseThrow();
        this.store = store;
        this.signer = signer;
        this.props = props;
        this.clock = clock;
    }

    /** Issues a token for ServiceAccount {@code namespace/name}; fails with the Status Kubernetes would answer. */
    public CompletableFuture<IssuedToken> issue(String namespace, String name, TokenRequest body) {
        TokenRequest request = TokenRequestRules.normalize(body);
        TokenRequestRules.requireUrlIdentity(request, name, namespace);
        return store.get(serviceAccounts, namespace, name).thenCompose(sa -> {
            List<String> warnings = new ArrayList<>();
            if (request.getSpec().getAudiences().isEmpty()) {
                request.getSpec().setAudiences(new ArrayList<>(props.apiAudiences()));
            }
            request.getMetadata().setName(name);
            request.getMetadata().setNamespace(namespace);
            if (request.getSpec().getExpirationSeconds() == null) {
                request.getSpec().setExpirationSeconds(TokenRequestRules.DEFAULT_EXPIRATION_SECONDS);
            }
            TokenRequestRules.validateExpiration(request.getSpec().getExpirationSeconds());
            TokenClaims.Ref account = new TokenClaims.Ref(name, sa.object().getMetadata().getUid());
            return boundPod(namespace, name, request.getSpec().getBoundObjectRef()).thenApply(bound -> {
                long seconds = TokenRequestRules.capExpiration(request,
                        props.serviceAccountMaxTokenExpiration(), warnings);
                Instant now = TokenRequestRules.stamp(request, clock.instant());
                TokenClaims claims = TokenClaims.serviceAccount(props.serviceAccountIssuer(),
                        request.getSpec().getAudiences(), now, Duration.ofSeconds(seconds),
                        new TokenClaims.ServiceAccountClaim(namespace, account, bound.pod(), bound.node()));
                return new IssuedToken(TokenRequestRules.answer(request, signer.sign(claims), claims.expiry()),
                        warnings);
            });
        });
    }

    private record Bound(TokenClaims.Ref pod, TokenClaims.Ref node) {
        static final Bound NONE = new Bound(null, null);
    }

    private CompletableFuture<Bound> boundPod(String namespace, String serviceAccount, BoundObjectReference ref) {
        if (ref == null) {
            return CompletableFuture.completedFuture(Bound.NONE);
        }
        String group = groupOf(ref.getApiVersion());
        String kind = ref.getKind() == null ? "" : ref.getKind();
        if (group.isEmpty() && (kind.equals("Secret") || kind.equals("Node"))) {
            throw StatusErrors.invalid(TokenRequestRules.TYPE, "", List.of(FieldError.notSupported(
                    "spec.boundObjectRef.kind", kind, List.of("Pod"))));
        }
        if (!group.isEmpty() || !kind.equals("Pod")) {
            throw StatusErrors.badRequest("cannot bind token to object of type " + group + "/"
                    + versionOf(ref.getApiVersion()) + ", Kind=" + kind);
        }
        if (ref.getName() == null || ref.getName().isEmpty()) {
            throw StatusErrors.invalid(TokenRequestRules.TYPE, "", List.of(FieldError.required(
                    "spec.boundObjectRef.name", "")));
        }
        return store.get(pods, namespace, ref.getName()).thenCompose(stored -> {
            Pod pod = (Pod) stored.object();
            String podServiceAccount = pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null ? ""
                    : pod.getSpec().getServiceAccountName();
            if (!serviceAccount.equals(podServiceAccount)) {
                throw StatusErrors.badRequest("cannot bind token for serviceaccount \"" + serviceAccount
                        + "\" to pod running with different serviceaccount name.");
            }
            String uid = pod.getMetadata().getUid();
            if (ref.getUid() != null && !ref.getUid().isEmpty() && !ref.getUid().equals(uid)) {
                throw TokenRequestRules.conflict("Pod", ref.getName(), "the UID in the bound object reference ("
                        + ref.getUid() + ") does not match the UID in record. The object might have been deleted "
                        + "and then recreated");
            }
            TokenClaims.Ref podRef = new TokenClaims.Ref(ref.getName(), uid);
            String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            if (nodeName == null || nodeName.isEmpty()) {
                return CompletableFuture.completedFuture(new Bound(podRef, null));
            }
            // As Kubernetes: the node's name even when the Node object is gone, its uid when it exists.
            return store.get(nodes, "", nodeName)
                    .thenApply(node -> new Bound(podRef, new TokenClaims.Ref(nodeName, uidOf(node))))
                    .exceptionally(error -> {
                        if (EtcdErrors.unwrap(error) instanceof ApiException api && api.code() == 404) {
                            return new Bound(podRef, new TokenClaims.Ref(nodeName, ""));
                        }
                        throw EtcdErrors.translate(error);
                    });
        });
    }

    private static String uidOf(Stored stored) {
        return stored.object().getMetadata().getUid();
    }

    /** Group of an apiVersion: {@code v1} → core (""), {@code apps/v1} → {@code apps}. */
    static String groupOf(String apiVersion) {
        if (apiVersion == null) {
            return "";
        }
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    private static String versionOf(String apiVersion) {
        if (apiVersion == null) {
            return "";
        }
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    }
}
