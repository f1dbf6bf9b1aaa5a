package io.berth.apiserver.rest;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.request.RequestInfo;
import io.berth.apiserver.auth.FrontProxyAuthenticator;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * Reviews: objects that are answered, never stored. {@code SelfSubjectReview} ({@code kubectl auth whoami}) returns
 * the identity the api-service received from the gateway. {@code SelfSubjectAccessReview} ({@code kubectl auth
 * can-i}) is evaluated with the gateway's current rule, under which only {@code system:masters} may act; RBAC
 * replaces that rule.
 */
final class Reviews {

    private final ApiContext ctx;

    Reviews(ApiContext ctx) {
        this.ctx = ctx;
    }

    Mono<ServerResponse> create(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format) {
        if (!info.verb().equals("create") || !info.subresource().isEmpty()) {
            return Mono.error(StatusErrors.methodNotAllowed("the server does not allow this method on the requested resource"));
        }
        UserInfo user = request.attribute(FrontProxyAuthenticator.USER_ATTRIBUTE)
                .map(UserInfo.class::cast)
                .orElseThrow(StatusErrors::unauthorized);
        FieldValidation validation = FieldValidation.parse(request.queryParam("fieldValidation").orElse(""));
        Bodies.Kind kind = Bodies.objectKind(request.headers().firstHeader("Content-Type"));
        return Bodies.read(request, ctx.props().maxRequestBody().toBytes()).flatMap(body -> {
            ObjectDecoder.Decoded decoded = ObjectDecoder.decode(type, body, kind, validation);
            if (decoded.object() instanceof SelfSubjectReview review) {
                review.setMetadata(new ObjectMeta());
                review.getMetadata().setCreationTimestamp(io.berth.apiserver.strategy.Strategy.timestamp(
                        ctx.clock().instant()));
                review.setStatus(new SelfSubjectReviewStatus(new UserInfoBuilder()
                        .withUsername(user.name())
                        .withUid(user.uid().isEmpty() ? null : user.uid())
                        .withGroups(user.groups())
                        .withExtra(user.extra().isEmpty() ? null : user.extra())
                        .build()));
                return Responses.object(201, review, format, decoded.warnings());
            }
            SelfSubjectAccessReview review = (SelfSubjectAccessReview) decoded.object();
            if (review.getSpec() == null
                    || (review.getSpec().getResourceAttributes() == null) == (review.getSpec().getNonResourceAttributes() == null)) {
                throw StatusErrors.invalid(type, "", List.of(io.berth.apimachinery.errors.FieldError.invalid("spec",
                        "", "exactly one of nonResourceAttributes or resourceAttributes must be specified")));
            }
            boolean allowed = user.inGroup("system:masters");
            review.setStatus(new SubjectAccessReviewStatus(allowed, !allowed, null,
                    allowed ? "member of system:masters" : "only system:masters may act until RBAC is enabled"));
            return Responses.object(201, review, format, decoded.warnings());
        });
    }
}
