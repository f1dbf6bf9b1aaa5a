package io.berth.apiserver.credentials;

import io.berth.apimachinery.auth.TokenClaims;
import io.berth.apimachinery.auth.TokenVerifier;
import io.berth.testkit.EtcdExtension;
import io.berth.testkit.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST serviceaccounts/{name}/token} on a real etcd, answered and worded as Kubernetes answers it. */
@ExtendWith(EtcdExtension.class)
class ServiceAccountTokenRequestTest {

    static EtcdProcess etcd;
    static ApiFixture api;
    static String ns;
    static String saUid;
    static String podUid;
    static String nodeUid;

    @BeforeAll
    static void cluster() {
        api = new ApiFixture(etcd);
        ns = api.namespace();
        saUid = api.serviceAccount(ns, "builder");
        api.serviceAccount(ns, "other");
        nodeUid = api.node("node-1");
        podUid = api.pod(ns, "builder-1", "builder", "node-1");
        api.pod(ns, "builder-unscheduled", "builder", null);
        api.pod(ns, "builder-on-a-gone-node", "builder", "node-gone");
        api.pod(ns, "runs-as-other", "other", null);
    }

    @AfterAll
    static void close() {
        api.close();
    }

    static String path(String sa) {
        return "/api/v1/namespaces/" + ns + "/serviceaccounts/" + sa + "/token";
    }

    static TokenClaims verify(ApiFixture.Answer answer, List<String> audiences) {
        TokenVerifier.Result result = api.verifier().verify(answer.text("/status/token"), audiences);
        assertThat(result).isInstanceOf(TokenVerifier.Verified.class);
        return ((TokenVerifier.Verified) result).claims();
    }

    @Test
    void anEmptyRequestGetsAnHourLongTokenForTheApiAudiences() {
        ApiFixture.Answer answer = api.post(path("builder"),
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}");

        assertThat(answer.code()).as(answer.toString()).isEqualTo(201);
        assertThat(answer.text("/kind")).isEqualTo("TokenRequest");
        assertThat(answer.text("/apiVersion")).isEqualTo("authentication.k8s.io/v1");
        assertThat(answer.text("/metadata/name")).isEqualTo("builder");
        assertThat(answer.text("/metadata/namespace")).isEqualTo(ns);
        assertThat(answer.body().at("/spec/expirationSeconds").asLong()).isEqualTo(3600);
        assertThat(answer.body().at("/spec/audiences/0").asString()).isEqualTo(ApiFixture.ISSUER);
        TokenClaims claims = verify(answer, List.of(ApiFixture.ISSUER));
        assertThat(claims.subject()).isEqualTo("system:serviceaccount:" + ns + ":builder");
        assertThat(claims.serviceAccount()).isEqualTo(new TokenClaims.ServiceAccountClaim(ns,
                new TokenClaims.Ref("builder", saUid), null, null));
        assertThat(Duration.between(claims.issuedAt(), claims.expiry())).isEqualTo(Duration.ofHours(1));
        Instant created = Instant.parse(answer.text("/metadata/creationTimestamp"));
        assertThat(claims.issuedAt()).isEqualTo(created);
        assertThat(Instant.parse(answer.text("/status/expirationTimestamp"))).isEqualTo(claims.expiry());
    }

    @Test
    void requestedAudiencesAndDurationAreHonoured() {
        ApiFixture.Answer answer = api.post(path("builder"),
                "{\"spec\":{\"audiences\":[\"vault\",\"sts.example.com\"],\"expirationSeconds\":600}}");

        assertThat(answer.code()).as(answer.toString()).isEqualTo(201);
        TokenClaims claims = verify(answer, List.of("vault"));
        assertThat(claims.audiences()).containsExactly("vault", "sts.example.com");
        assertThat(Duration.between(claims.issuedAt(), claims.expiry())).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aDurationAboveTheMaximumIsShortenedWithAWarning() {
        ApiFixture.Answer answer = api.post(path("builder"), "{\"spec\":{\"expirationSeconds\":604800}}");

        assertThat(answer.code()).isEqualTo(201);
        assertThat(answer.body().at("/spec/expirationSeconds").asLong()).isEqualTo(172800);
        assertThat(answer.warnings()).containsExactly(
                "299 - \"requested expiration of 604800 seconds shortened to 172800 seconds\"");
        TokenClaims claims = verify(answer, List.of(ApiFixture.ISSUER));
        assertThat(Duration.between(claims.issuedAt(), claims.expiry())).isEqualTo(Duration.ofHours(48));
    }

    @Test
    void aPodBoundTokenNamesThePodAndItsNode() {
        ApiFixture.Answer answer = api.post(path("builder"),
                "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"builder-1\"}}}");

        assertThat(answer.code()).as(answer.toString()).isEqualTo(201);
        TokenClaims.ServiceAccountClaim claim = verify(answer, List.of(ApiFixture.ISSUER)).serviceAccount();
        assertThat(claim.pod()).isEqualTo(new TokenClaims.Ref("builder-1", podUid));
        assertThat(claim.node()).isEqualTo(new TokenClaims.Ref("node-1", nodeUid));
    }

    @Test
    void aPodBoundTokenOfAPodOnAMissingNodeNamesTheNodeWithoutUid() {
        ApiFixture.Answer answer = api.post(path("builder"), "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\","
                + "\"apiVersion\":\"v1\",\"name\":\"builder-on-a-gone-node\"}}}");

        assertThat(answer.code()).as(answer.toString()).isEqualTo(201);
        assertThat(verify(answer, List.of(ApiFixture.ISSUER)).serviceAccount().node())
                .isEqualTo(new TokenClaims.Ref("node-gone", ""));
    }

    @Test
    void aTokenBoundToAnUnscheduledPodHasNoNode() {
        ApiFixture.Answer answer = api.post(path("builder"), "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\","
                + "\"apiVersion\":\"v1\",\"name\":\"builder-unscheduled\"}}}");

        assertThat(answer.code()).isEqualTo(201);
        assertThat(verify(answer, List.of(ApiFixture.ISSUER)).serviceAccount().node()).isNull();
    }

    @Test
    void aDryRunIssuesATokenAsKubernetesDoesSinceNothingIsStored() {
        ApiFixture.Answer answer = api.post(path("builder") + "?dryRun=All", "{\"spec\":{}}");

        assertThat(answer.code()).isEqualTo(201);
        verify(answer, List.of(ApiFixture.ISSUER));
    }

    record Refusal(String description, String serviceAccount, String body, int code, String reason, String message) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("a ServiceAccount that does not exist", "nobody", "{\"spec\":{}}", 404, "NotFound",
                        "serviceaccounts \"nobody\" not found"),
                new Refusal("less than ten minutes", "builder", "{\"spec\":{\"expirationSeconds\":599}}", 422,
                        "Invalid", "TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: "
                        + "Invalid value: 599: may not specify a duration less than 10 minutes"),
                new Refusal("more than 2^32 seconds", "builder", "{\"spec\":{\"expirationSeconds\":4294967297}}",
                        422, "Invalid", "may not specify a duration larger than 2^32 seconds"),
                new Refusal("a name in the body other than the URL's", "builder",
                        "{\"metadata\":{\"name\":\"other\"},\"spec\":{}}", 422, "Invalid",
                        "TokenRequest.authentication.k8s.io \"builder\" is invalid: metadata.name: Invalid value: "
                                + "\"other\": must match the service account name if specified"),
                new Refusal("a namespace in the body other than the URL's", "builder",
                        "{\"metadata\":{\"namespace\":\"elsewhere\"},\"spec\":{}}", 422, "Invalid",
                        "must match the service account namespace if specified"),
                new Refusal("a bound pod that does not exist", "builder",
                        "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"gone\"}}}",
                        404, "NotFound", "pods \"gone\" not found"),
                new Refusal("a bound pod with another uid", "builder", "{\"spec\":{\"boundObjectRef\":{\"kind\":"
                        + "\"Pod\",\"apiVersion\":\"v1\",\"name\":\"builder-1\",\"uid\":\"0000\"}}}", 409, "Conflict",
                        "Operation cannot be fulfilled on Pod \"builder-1\": the UID in the bound object reference "
                                + "(0000) does not match the UID in record. The object might have been deleted and "
                                + "then recreated"),
                new Refusal("a bound pod running as another ServiceAccount", "builder", "{\"spec\":{\"boundObjectRef\":"
                        + "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"runs-as-other\"}}}", 400, "BadRequest",
                        "cannot bind token for serviceaccount \"builder\" to pod running with different "
                                + "serviceaccount name."),
                new Refusal("a bound Secret (not supported by Berth yet)", "builder", "{\"spec\":{\"boundObjectRef\":"
                        + "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"name\":\"s\"}}}", 422, "Invalid",
                        "spec.boundObjectRef.kind: Unsupported value: \"Secret\": supported values: \"Pod\""),
                new Refusal("a bound Node (not supported by Berth yet)", "builder", "{\"spec\":{\"boundObjectRef\":"
                        + "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"name\":\"node-1\"}}}", 422, "Invalid",
                        "Unsupported value: \"Node\""),
                new Refusal("a kind Kubernetes cannot bind to either", "builder", "{\"spec\":{\"boundObjectRef\":"
                        + "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"name\":\"c\"}}}", 400, "BadRequest",
                        "cannot bind token to object of type /v1, Kind=ConfigMap"),
                new Refusal("a body of another kind", "builder", "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}", 400,
                        "BadRequest", "does not match"));
    }

    @ParameterizedTest(name = "{0}: {3} {4}")
    @MethodSource("refusals")
    void requestsKubernetesRefusesAreRefusedWithItsStatus(Refusal refusal) {
        ApiFixture.Answer answer = api.post(path(refusal.serviceAccount()), refusal.body());

        assertThat(answer.code()).as(answer.toString()).isEqualTo(refusal.code());
        assertThat(answer.text("/kind")).isEqualTo("Status");
        assertThat(answer.text("/reason")).isEqualTo(refusal.reason());
        assertThat(answer.text("/message")).contains(refusal.message());
    }

    @Test
    void onlyCreateIsAllowedOnTheSubresource() {
        assertThat(api.get(path("builder")).code()).isEqualTo(405);
    }
}
