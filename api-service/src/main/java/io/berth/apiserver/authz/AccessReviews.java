package io.berth.apiserver.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.rbac.Attributes;
import io.berth.apimachinery.rbac.AuthorizationResult;
import io.berth.apimachinery.rbac.Decision;
import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Access reviews ({@code kubectl auth can-i} and its kin) answered by the cluster's authorizer chain over this
 * replica's caches, as kube-apiserver's SelfSubjectAccessReview, SubjectAccessReview and LocalSubjectAccessReview
 * REST handlers: validation (Kubernetes' {@code ValidateSubjectAccessReviewSpec}), the attributes the spec
 * describes, and the status (allowed; denied only for an explicit denial; the authorizer's reason).
 * Thread safe.
 */
public final class AccessReviews {

    private final Authorization authz;

    public AccessReviews(Authorization authz) {
        this.authz = authz;
    }

    /**
     * Decides what a review asks about {@code subject}.
     *
     * @throws io.berth.apimachinery.errors.ApiException 503 while the caches have not loaded
     */
    public SubjectAccessReviewStatus review(UserInfo subject, ResourceAttributes resource,
                                            NonResourceAttributes nonResource) {
        Attributes attributes = attributes(subject, resource, nonResource);
        String fieldSelector = resource == null || resource.getFieldSelector() == null ? null
                : resource.getFieldSelector().getRawSelector();
        AuthorizationResult result = authz.authorize(attributes, fieldSelector);
        return status(result);
    }

    static SubjectAccessReviewStatus status(AuthorizationResult result) {
        SubjectAccessReviewStatus status = new SubjectAccessReviewStatus();
        status.setAllowed(result.decision() == Decision.ALLOW);
        status.setDenied(result.decision() == Decision.DENY ? Boolean.TRUE : null);
        status.setReason(result.reason() == null || result.reason().isEmpty() ? null : result.reason());
        return status;
    }

    /** Kubernetes' {@code AuthorizationAttributesFrom}: an empty version matches every version. */
    static Attributes attributes(UserInfo user, ResourceAttributes r, NonResourceAttributes n) {
        if (r != null) {
            String version = r.getVersion() == null || r.getVersion().isEmpty() ? "*" : r.getVersion();
            return new Attributes(user, r.getVerb(), true, "", r.getGroup(), version, r.getResource(),
                    r.getSubresource(), r.getNamespace(), r.getName());
        }
        return Attributes.nonResource(user, n.getVerb(), n.getPath());
    }

    /** The user a SubjectAccessReview asks about: exactly its user, groups, uid and extra (nothing added). */
    public static UserInfo subject(SubjectAccessReviewSpec spec) {
        Map<String, List<String>> extra = spec.getExtra() == null ? Map.of() : spec.getExtra();
        return new UserInfo(spec.getUser() == null ? "" : spec.getUser(), spec.getUid() == null ? "" : spec.getUid(),
                spec.getGroups() == null ? List.of() : spec.getGroups(), extra);
    }

    /** SelfSubjectAccessReview: exactly one of the two attribute kinds. */
    public static List<FieldError> validateSelf(ResourceAttributes resource, NonResourceAttributes nonResource) {
        List<FieldError> errors = new ArrayList<>();
        if (resource != null && nonResource != null) {
            errors.add(FieldError.invalid("spec.nonResourceAttributes", describe(nonResource),
                    "cannot be specified in combination with resourceAttributes"));
        }
        if (resource == null && nonResource == null) {
            errors.add(FieldError.invalid("spec.resourceAttributes", describe(null),
                    "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
        return errors;
    }

    /** SubjectAccessReview: as a self review, and a user or a group to ask about. */
    public static List<FieldError> validate(SubjectAccessReviewSpec spec) {
        List<FieldError> errors = validateSelf(spec.getResourceAttributes(), spec.getNonResourceAttributes());
        boolean noUser = spec.getUser() == null || spec.getUser().isEmpty();
        if (noUser && (spec.getGroups() == null || spec.getGroups().isEmpty())) {
            errors.add(FieldError.invalid("spec.user", "", "at least one of user or group must be specified"));
        }
        return errors;
    }

    /** LocalSubjectAccessReview: as a SubjectAccessReview, about resources only. */
    public static List<FieldError> validateLocal(SubjectAccessReviewSpec spec) {
        List<FieldError> errors = validate(spec);
        if (spec.getNonResourceAttributes() != null) {
            errors.add(FieldError.invalid("spec.nonResourceAttributes", describe(spec.getNonResourceAttributes()),
                    "disallowed on this kind of request"));
        }
        return errors;
    }

    private static String describe(Object attributes) {
        return attributes == null ? "null" : Json.writeString(attributes);
    }
}
