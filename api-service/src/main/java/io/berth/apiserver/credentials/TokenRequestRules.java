package io.berth.apiserver.credentials;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apiserver.strategy.Strategy;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestSpec;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestStatus;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What both token subresources share: the TokenRequest kind (authentication.k8s.io/v1, answered, never stored),
 * Kubernetes' defaulting and static validation of its spec, and the response shape. Stateless.
 */
public final class TokenRequestRules {

    /** The kind of the {@code token} subresources' bodies; errors about it read {@code TokenRequest.authentication.k8s.io}. */
    public static final ResourceType TYPE = new ResourceType("authentication.k8s.io", "v1", "tokenrequests",
            "tokenrequest", "TokenRequest", true, TokenRequest.class, null, List.of(), List.of(), Set.of("create"),
            Set.of(), false, true);

    /** Kubernetes' default {@code spec.expirationSeconds}. */
    static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    static final Duration MIN_EXPIRATION = Duration.ofMinutes(10);
    private static final long MAX_EXPIRATION_SECONDS = 1L << 32;

    private TokenRequestRules() {
    }

    /** A request whose metadata and spec exist, so the rules below never meet nulls. */
    static TokenRequest normalize(TokenRequest request) {
        if (request.getMetadata() == null) {
            request.setMetadata(new ObjectMeta());
        }
        if (request.getSpec() == null) {
            request.setSpec(new TokenRequestSpec());
        }
        if (request.getSpec().getAudiences() == null) {
            request.getSpec().setAudiences(new ArrayList<>());
        }
        request.setStatus(null);
        return request;
    }

    /** As kube-apiserver: a name or namespace in the body must be the one on the URL (422 naming the URL's name). */
    static void requireUrlIdentity(TokenRequest request, String name, String namespace) {
        ObjectMeta meta = request.getMetadata();
        if (meta.getName() != null && !meta.getName().isEmpty() && !meta.getName().equals(name)) {
            throw StatusErrors.invalid(TYPE, name, List.of(FieldError.invalid("metadata.name", meta.getName(),
                    "must match the " + (namespace.isEmpty() ? "node" : "service account") + " name if specified")));
        }
        String bodyNamespace = meta.getNamespace() == null ? "" : meta.getNamespace();
        if (!bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
            throw StatusErrors.invalid(TYPE, name, List.of(FieldError.invalid("metadata.namespace", bodyNamespace,
                    namespace.isEmpty() ? "must be empty: nodes are cluster-scoped"
                            : "must match the service account namespace if specified")));
        }
    }

    /** Kubernetes' ValidateTokenRequest: at least 10 minutes, at most 2^32 seconds (422 on the unnamed object). */
    static void validateExpiration(long seconds) {
        List<FieldError> errors = new ArrayList<>();
        if (seconds < MIN_EXPIRATION.toSeconds()) {
            errors.add(FieldError.invalid("spec.expirationSeconds", seconds,
                    "may not specify a duration less than 10 minutes"));
        }
        if (seconds > MAX_EXPIRATION_SECONDS) {
            errors.add(FieldError.invalid("spec.expirationSeconds", seconds,
                    "may not specify a duration larger than 2^32 seconds"));
        }
        if (!errors.isEmpty()) {
            throw StatusErrors.invalid(TYPE, "", errors);
        }
    }

    /** The request's expiration, shortened to {@code max} with Kubernetes' warning when it asks for more. */
    static long capExpiration(TokenRequest request, Duration max, List<String> warnings) {
        long requested = request.getSpec().getExpirationSeconds();
        if (requested > max.toSeconds()) {
            warnings.add("requested expiration of " + requested + " seconds shortened to " + max.toSeconds()
                    + " seconds");
            request.getSpec().setExpirationSeconds(max.toSeconds());
            return max.toSeconds();
        }
        return requested;
    }

    /** Sets the creation time (now, whole seconds) and returns it, so {@code exp} and the answer agree. */
    static Instant stamp(TokenRequest request, Instant now) {
        Instant issued = now.truncatedTo(ChronoUnit.SECONDS);
        request.getMetadata().setCreationTimestamp(Strategy.timestamp(issued));
        return issued;
    }

    /** The answer: the defaulted request with {@code status.token} and {@code status.expirationTimestamp}. */
    static TokenRequest answer(TokenRequest request, String token, Instant expiry) {
        request.setApiVersion(TYPE.apiVersion());
        request.setKind(TYPE.kind());
        request.setStatus(new TokenRequestStatus(Strategy.timestamp(expiry), token));
        return request;
    }

    /** 409 Conflict on a bound object, worded as Kubernetes' (the resource is the object's kind, {@code Pod}). */
    static ApiException conflict(String kind, String name, String why) {
        return new ApiException(StatusErrors.status(409, "Conflict",
                "Operation cannot be fulfilled on " + kind + " \"" + name + "\": " + why,
                new StatusDetailsBuilder().withName(name).withKind(kind).build()));
    }
}
