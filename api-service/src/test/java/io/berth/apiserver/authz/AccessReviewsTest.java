package io.berth.apiserver.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.authorizer.NodeGraph;
import io.berth.apimachinery.errors.FieldError;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpecBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.apiserver.authz.Policy.clusterRole;
import static io.berth.apiserver.authz.Policy.clusterRoleBinding;
import static io.berth.apiserver.authz.Policy.roleBinding;
import static io.berth.apiserver.authz.Policy.rule;
import static org.assertj.core.api.Assertions.assertThat;

/** Access reviews decided by the authorizer chain: what allowed, denied and reason say, and what is invalid. */
class AccessReviewsTest {

    static final UserInfo ALICE = UserInfo.of("alice", "", List.of("system:authenticated"));
    static final UserInfo NODE_A = UserInfo.of("system:node:a", "", List.of("system:nodes", "system:authenticated"));

    static final Pod ON_B = new PodBuilder().withNewMetadata().withNamespace("team").withName("web").endMetadata()
            .withNewSpec().withNodeName("b").endSpec().build();

    static final AccessReviews REVIEWS = new AccessReviews(new Policy().add(
            clusterRole("pod-reader", rule("", "pods", "get", "list")),
            clusterRole("metrics", new PolicyRuleBuilder().withNonResourceURLs("/metrics").withVerbs("get").build()),
            roleBinding("team", "alice-reads", "ClusterRole", "pod-reader", "alice"),
            clusterRoleBinding("ops-metrics", "metrics", "ops")).authorization(new NodeGraph() {
                @Override
                public List<Pod> podsOnNode(String node) {
                    return node.equals("b") ? List.of(ON_B) : List.of();
                }

                @Override
                public Pod pod(String namespace, String name) {
                    return namespace.equals("team") && name.equals("web") ? ON_B : null;
                }
            }));

    record Case(String description, UserInfo subject, ResourceAttributes resource, NonResourceAttributes nonResource,
                boolean allowed, Boolean denied) {
        @Override
        public String toString() {
            return description;
        }
    }

    static ResourceAttributes pods(String verb, String namespace, String name) {
        return new ResourceAttributesBuilder().withVerb(verb).withResource("pods").withNamespace(namespace)
                .withName(name).build();
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a user may do what a binding grants", ALICE, pods("get", "team", "web"), null, true, null),
                new Case("any version matches when none is given", ALICE, new ResourceAttributesBuilder()
                        .withVerb("list").withResource("pods").withNamespace("team").withVersion("v1").build(), null,
                        true, null),
                new Case("no rule is no permission, not a denial", ALICE, pods("get", "prod", "web"), null, false,
                        null),
                new Case("non-resource paths are granted by nonResourceURLs", UserInfo.of("ops", "", List.of()),
                        null, new NonResourceAttributesBuilder().withPath("/metrics").withVerb("get").build(), true,
                        null),
                new Case("the node authorizer's refusal is an explicit denial", NODE_A, pods("get", "team", "web"),
                        null, false, true),
                new Case("a node may read the pods bound to it", UserInfo.of("system:node:b", "",
                        List.of("system:nodes")), pods("get", "team", "web"), null, true, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aReviewAnswersWhatTheGatewayWouldDecide(Case c) {
        SubjectAccessReviewStatus status = REVIEWS.review(c.subject(), c.resource(), c.nonResource());

        assertThat(status.getAllowed()).isEqualTo(c.allowed());
        assertThat(status.getDenied()).isEqualTo(c.denied());
        if (Boolean.TRUE.equals(c.denied())) {
            assertThat(status.getReason()).isNotEmpty();
        }
    }

    @Test
    void theFieldSelectorReachesTheNodeAuthorizer() {
        ResourceAttributes list = new ResourceAttributesBuilder().withVerb("list").withResource("pods")
                .withNewFieldSelector().withRawSelector("spec.nodeName=b").endFieldSelector().build();
        ResourceAttributes unselected = new ResourceAttributesBuilder().withVerb("list").withResource("pods").build();
        UserInfo nodeB = UserInfo.of("system:node:b", "", List.of("system:nodes"));

        assertThat(REVIEWS.review(nodeB, list, null).getAllowed()).isTrue();
        assertThat(REVIEWS.review(nodeB, unselected, null).getDenied()).isTrue();
    }

    @Test
    void theSubjectIsExactlyWhatTheSpecNames() {
        SubjectAccessReviewSpec spec = new SubjectAccessReviewSpecBuilder().withUser("u").withUid("1")
                .withGroups("g").withExtra(Map.of("scopes", List.of("s"))).build();

        assertThat(AccessReviews.subject(spec)).isEqualTo(new UserInfo("u", "1", List.of("g"),
                Map.of("scopes", List.of("s"))));
    }

    record Invalid(String description, SubjectAccessReviewSpec spec, boolean local, List<String> errors) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Invalid> invalid() {
        ResourceAttributes get = pods("get", "team", "web");
        NonResourceAttributes healthz = new NonResourceAttributesBuilder().withPath("/healthz").withVerb("get")
                .build();
        return Stream.of(
                new Invalid("a valid review", new SubjectAccessReviewSpecBuilder().withUser("u")
                        .withResourceAttributes(get).build(), true, List.of()),
                new Invalid("groups alone name a subject", new SubjectAccessReviewSpecBuilder().withGroups("g")
                        .withResourceAttributes(get).build(), false, List.of()),
                new Invalid("no attributes", new SubjectAccessReviewSpecBuilder().withUser("u").build(), false,
                        List.of("spec.resourceAttributes: Invalid value: \"null\": exactly one of"
                                + " nonResourceAttributes or resourceAttributes must be specified")),
                new Invalid("both kinds of attributes", new SubjectAccessReviewSpecBuilder().withUser("u")
                        .withResourceAttributes(get).withNonResourceAttributes(healthz).build(), false,
                        List.of("spec.nonResourceAttributes: Invalid value: \"{\"path\":\"/healthz\",\"verb\":\"get\"}\":"
                                + " cannot be specified in combination with resourceAttributes")),
                new Invalid("no user and no groups", new SubjectAccessReviewSpecBuilder()
                        .withResourceAttributes(get).build(), false,
                        List.of("spec.user: Invalid value: \"\": at least one of user or group must be specified")),
                new Invalid("a local review is about resources", new SubjectAccessReviewSpecBuilder().withUser("u")
                        .withNonResourceAttributes(healthz).build(), true,
                        List.of("spec.nonResourceAttributes: Invalid value: \"{\"path\":\"/healthz\",\"verb\":\"get\"}\":"
                                + " disallowed on this kind of request")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void reviewsAreValidatedAsKubernetesValidatesThem(Invalid c) {
        List<FieldError> errors = c.local() ? AccessReviews.validateLocal(c.spec()) : AccessReviews.validate(c.spec());

        assertThat(errors).extracting(FieldError::message).containsExactlyElementsOf(c.errors());
    }
}
