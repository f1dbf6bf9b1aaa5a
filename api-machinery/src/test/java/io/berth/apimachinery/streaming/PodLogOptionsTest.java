package io.berth.apimachinery.streaming;

import io.berth.apimachinery.errors.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PodLogOptionsTest {

    /** {@code a=1&b=2} as a query lookup. */
    static java.util.function.Function<String, List<String>> query(String q) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (!q.isEmpty()) {
            for (String pair : q.split("&")) {
                String[] kv = pair.split("=", 2);
                params.computeIfAbsent(kv[0], k -> new java.util.ArrayList<>()).add(kv.length > 1 ? kv[1] : "");
            }
        }
        return name -> params.getOrDefault(name, List.of());
    }

    record Parsed(String query, PodLogOptions expected) {
    }

    static Stream<Parsed> parsed() {
        return Stream.of(
                new Parsed("", new PodLogOptions(null, false, false, false, null, null, null, null, false)),
                new Parsed("container=web&follow=true&previous=1&timestamps=True",
                        new PodLogOptions("web", true, true, true, null, null, null, null, false)),
                new Parsed("follow", new PodLogOptions(null, true, false, false, null, null, null, null, false)),
                new Parsed("follow=false&previous=0&timestamps=FALSE",
                        new PodLogOptions(null, false, false, false, null, null, null, null, false)),
                new Parsed("tailLines=10&limitBytes=500&sinceSeconds=60",
                        new PodLogOptions(null, false, false, false, 60L, null, 10L, 500L, false)),
                new Parsed("sinceTime=2024-05-06T07:08:09Z",
                        new PodLogOptions(null, false, false, false, null, Instant.parse("2024-05-06T07:08:09Z"),
                                null, null, false)),
                new Parsed("sinceTime=2024-05-06T09:08:09.5%2B02:00".replace("%2B", "+"),
                        new PodLogOptions(null, false, false, false, null, Instant.parse("2024-05-06T07:08:09.5Z"),
                                null, null, false)),
                new Parsed("container=&tailLines=", new PodLogOptions(null, false, false, false, null, null, null,
                        null, false)),
                new Parsed("insecureSkipTLSVerifyBackend=true",
                        new PodLogOptions(null, false, false, false, null, null, null, null, true)));
    }

    @ParameterizedTest
    @MethodSource("parsed")
    void queryParametersAreReadAsKubernetesReadsThem(Parsed c) {
        assertThat(PodLogOptions.parse(query(c.query()))).isEqualTo(c.expected());
    }

    record Refused(String query, int code, String reason, String message) {
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("tailLines=ten", 400, "BadRequest",
                        "invalid value \"ten\" for query parameter tailLines: not an integer"),
                new Refused("sinceTime=yesterday", 400, "BadRequest", "invalid value \"yesterday\" for query "
                        + "parameter sinceTime: not an RFC 3339 time such as 2006-01-02T15:04:05Z"),
                new Refused("tailLines=-1", 422, "Invalid",
                        "PodLogOptions \"web\" is invalid: tailLines: Invalid value: -1: must be greater than or "
                                + "equal to 0"),
                new Refused("limitBytes=0", 422, "Invalid",
                        "PodLogOptions \"web\" is invalid: limitBytes: Invalid value: 0: must be greater than 0"),
                new Refused("sinceSeconds=0", 422, "Invalid",
                        "PodLogOptions \"web\" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0"),
                new Refused("sinceSeconds=5&sinceTime=2024-05-06T07:08:09Z", 422, "Invalid",
                        "PodLogOptions \"web\" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` "
                                + "may be specified"),
                new Refused("tailLines=-1&limitBytes=-5", 422, "Invalid",
                        "PodLogOptions \"web\" is invalid: [tailLines: Invalid value: -1: must be greater than or "
                                + "equal to 0, limitBytes: Invalid value: -5: must be greater than 0]"),
                new Refused("insecureSkipTLSVerifyBackend=true", 400, "BadRequest",
                        "insecureSkipTLSVerifyBackend is not supported: the api-service always verifies the node "
                                + "agent's serving certificate"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void badOptionsAreRefusedWithKubernetesStatus(Refused c) {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> PodLogOptions.parse(query(c.query())).validate("web"));

        assertThat(e).as(c.query()).isNotNull();
        assertThat(e.code()).isEqualTo(c.code());
        assertThat(e.reason()).isEqualTo(c.reason());
        assertThat(e.getMessage()).isEqualTo(c.message());
    }

    @Test
    void anInvalidAnswerNamesThePodAndTheKindPodLogOptions() {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> PodLogOptions.parse(query("tailLines=-1")).validate("web"));

        assertThat(e.status().getDetails().getKind()).isEqualTo("PodLogOptions");
        assertThat(e.status().getDetails().getName()).isEqualTo("web");
        assertThat(e.status().getDetails().getCauses()).singleElement()
                .satisfies(cause -> assertThat(cause.getField()).isEqualTo("tailLines"));
    }

    @Test
    void aFlagWithoutAValueIsTrueAsSpringReadsIt() {
        List<String> noValue = Arrays.asList((String) null);

        assertThat(PodLogOptions.parse(name -> name.equals("follow") ? noValue : List.of()).follow()).isTrue();
    }

    @Test
    void sinceIsTheSinceTimeOrNowMinusSinceSeconds() {
        Instant now = Instant.parse("2024-01-01T00:01:00Z");

        assertThat(PodLogOptions.parse(query("sinceSeconds=60")).since(now)).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(PodLogOptions.parse(query("sinceTime=2023-12-31T00:00:00Z")).since(now))
                .isEqualTo("2023-12-31T00:00:00Z");
        assertThat(PodLogOptions.parse(query("")).since(now)).isNull();
    }

    @Test
    void theAgentQueryCarriesEverySetOptionAndParsesBackToTheSameOptions() {
        PodLogOptions options = new PodLogOptions("web", true, true, true, null,
                Instant.parse("2024-05-06T07:08:09.123Z"), 5L, 100L, false);

        String agentQuery = options.agentQuery();

        assertThat(agentQuery).isEqualTo("follow=true&previous=true&timestamps=true"
                + "&sinceTime=2024-05-06T07%3A08%3A09.123Z&tailLines=5&limitBytes=100");
        PodLogOptions back = PodLogOptions.parse(query(java.net.URLDecoder.decode(agentQuery,
                java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(back).isEqualTo(new PodLogOptions(null, true, true, true, null,
                Instant.parse("2024-05-06T07:08:09.123Z"), 5L, 100L, false));
        assertThat(new PodLogOptions(null, false, false, false, 30L, null, null, null, false).agentQuery())
                .isEqualTo("sinceSeconds=30");
        assertThat(Arrays.asList(new PodLogOptions(null, false, false, false, null, null, null, null, false)
                .agentQuery())).containsExactly("");
    }
}
