package io.berth.apiserver.rest;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.request.RequestInfo;
import io.berth.apiserver.auth.Requester;
import io.berth.apiserver.authz.AccessReviews;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.LocalSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * Reviews: objects that are answered (201 Created), never stored.
 * <ul>
 *   <li>{@code SelfSubjectReview} ({@code kubectl auth whoami}) returns the identity the gateway forwarded;</li>
 *   <li>{@code SelfSubjectAccessReview} ({@code kubectl auth can-i}) asks whether the requester may do something;</li>
 *   <li>{@code SubjectAccessReview} asks it about any user and groups, {@code LocalSubjectAccessReview} the same
 *       within the namespace on the URL.</li>
 * </ul>
 * Access reviews are decided by the cluster's authorizer chain over this replica's caches ({@link AccessReviews}),
 * the chain the gateway applies to every request. Who may ask is the gateway's decision (everyone may review
 * themselves through {@code system:basic-user}; other subjects need a grant).
 */
final class Reviews {

    private final ApiContext ctx;
    private final AccessReviews access;

    Reviews(ApiContext ctx) {
        this.ctx = ctx;
        this.access = new AccessReviews(ctx.admission().authorization());
    }

    Mono<ServerResponse> create(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format) {
        if (!info.verb().equals("create") || !info.subresource().isEmpty()) {
            return Mono.error(StatusErrors.methodNotAllowed("the server does not allow this method on the requested resource"));
        }
        if (type.namespaced() && info.namespace().isEmpty()) {
            return Mono.error(StatusErrors.noSuchResource());
        }
        UserInfo user = Requester.from(request).user();
        FieldValidation validation = FieldValidation.parse(request.queryParam("fieldValidation").orElse(""));
        Bodies.Kind kind = Bodies.objectKind(request.headers().firstHeader("Content-Type"));
        return Bodies.read(request, ctx.props().maxRequestBody().toBytes()).flatMap(body -> {
            ObjectDecoder.Decoded decoded = ObjectDecoder.decode(type, body, kind, validation);
            HasMetadata object = decoded.object();
            HasMetadata answered;
            if (object instanceof SelfSubjectReview review) {
                answered = whoAmI(review, user);
            } else if (object instanceof SelfSubjectAccessReview review) {
                answered = selfReview(type, review, user);
            } else if (object instanceof SubjectAccessReview review) {
                answered = subjectReview(type, review);
            } else if (object instanceof LocalSubjectAccessReview review) {
                answered = localReview(type, review, info.namespace());
            } else {
                throw StatusErrors.noSuchResource();
            }
            return Responses.object(201, answered, format, decoded.warnings());
        });
    }

    private SelfSubjectReview whoAmI(SelfSubjectReview review, UserInfo user) {
        review.setMetadata(new ObjectMeta());
        review.getMetadata().setCreationTimestamp(io.berth.apiserver.strategy.Strategy.timestamp(
                ctx.clock().instant()));
        review.setStatus(new SelfSubjectReviewStatus(new UserInfoBuilder()
                .withUsername(user.name())
                .withUid(user.uid().isEmpty() ? null : user.uid())
                .withGroups(user.groups())
                .withExtra(user.extra().isEmpty() ? null : user.extra())
                .build()));
        return review;
    }

    private SelfSubjectAccessReview selfReview(ResourceType type, SelfSubjectAccessReview review, UserInfo user) {
        SelfSubjectAccessReviewSpec spec = review.getSpec() == null ? new SelfSubjectAccessReviewSpec()
                : review.getSpec();
        invalidIfAny(type, AccessReviews.validateSelf(spec.getResourceAttributes(),
                spec.getNonResourceAttributes()));
        review.setStatus(access.review(user, spec.getResourceAttributes(), spec.getNonResourceAttributes()));
        return review;
    }

    private SubjectAccessReview subjectReview(ResourceType type, SubjectAccessReview review) {
        SubjectAccessReviewSpec spec = review.getSpec() == null ? new SubjectAccessReviewSpec() : review.getSpec();
        invalidIfAny(type, AccessReviews.validate(spec));
        review.setStatus(access.review(AccessReviews.subject(spec), spec.getResourceAttributes(),
                spec.getNonResourceAttributes()));
        return review;
    }

    /**
     * The namespace is the URL's: a different one in metadata is 400 (as for any namespaced create), and so is a
     * different {@code spec.resourceAttributes.namespace}; an empty one means the URL's.
     */
    private LocalSubjectAccessReview localReview(ResourceType type, LocalSubjectAccessReview review,
                                                 String namespace) {
        ObjectMeta meta = review.getMetadata();
        if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
            meta.setNamespace(namespace);
        } else if (!meta.getNamespace().equals(namespace)) {
            throw StatusErrors.badRequest("the namespace of the provided object does not match the namespace sent "
                    + "on the request");
        }
        SubjectAccessReviewSpec spec = review.getSpec() == null ? new SubjectAccessReviewSpec() : review.getSpec();
        invalidIfAny(type, AccessReviews.validateLocal(spec));
        ResourceAttributes attributes = spec.getResourceAttributes();
        if (attributes.getNamespace() == null || attributes.getNamespace().isEmpty()) {
            attributes.setNamespace(namespace);
        } else if (!attributes.getNamespace().equals(namespace)) {
            throw StatusErrors.badRequest("spec.resourceAttributes.namespace must match namespace: " + namespace);
        }
        review.setStatus(access.review(AccessReviews.subject(spec), attributes, null));
        return review;
    }

    private static void invalidIfAny(ResourceType type, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw StatusErrors.invalid(type, "", errors);
        }
    }
}
