package io.berth.apimachinery.streaming;

import io.berth.apimachinery.errors.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static io.berth.apimachinery.streaming.PodLogOptionsTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PodExecOptionsTest {

    record Parsed(String query, PodExecOptions expected) {
    }

    static Stream<Parsed> parsed() {
        return Stream.of(
                new Parsed("command=ls", new PodExecOptions(List.of("ls"), null, false, true, true, false)),
                new Parsed("command=sh&command=-c&command=echo hi&container=web&stdin=true&stdout=true&stderr=true",
                        new PodExecOptions(List.of("sh", "-c", "echo hi"), "web", true, true, true, false)),
                new Parsed("command=sh&stdin=true&stdout=false&stderr=0&tty=true",
                        new PodExecOptions(List.of("sh"), null, true, false, false, true)),
                new Parsed("command=cat&input=1&output=1&error=0",
                        new PodExecOptions(List.of("cat"), null, true, true, false, false)),
                new Parsed("", new PodExecOptions(List.of(), null, false, true, true, false)));
    }

    @ParameterizedTest
    @MethodSource("parsed")
    void queryParametersAreReadWithKubernetesDefaults(Parsed c) {
        assertThat(PodExecOptions.parse(query(c.query()))).isEqualTo(c.expected());
    }

    record Refused(String query, String message) {
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("stdout=true", "you must specify at least one command for the container"),
                new Refused("command=ls&stdin=false&stdout=false&stderr=false",
                        "you must specify at least 1 of stdin, stdout, stderr"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void requestsNoCommandCanServeAreBadRequests(Refused c) {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> PodExecOptions.parse(query(c.query())).validate());

        assertThat(e.code()).isEqualTo(400);
        assertThat(e.reason()).isEqualTo("BadRequest");
        assertThat(e.getMessage()).isEqualTo(c.message());
    }

    @Test
    void aTerminalHasNoSeparateStandardError() {
        PodExecOptions tty = PodExecOptions.parse(query("command=sh&stdin=1&stdout=1&stderr=1&tty=1")).validate();

        assertThat(tty).isEqualTo(new PodExecOptions(List.of("sh"), null, true, true, false, true));
    }

    @Test
    void theAgentQueryEncodesArgumentsSoEveryDecoderReadsThemBack() {
        PodExecOptions options = new PodExecOptions(List.of("sh", "-c", "echo a+b & x=1 %"), null, true, true,
                false, false);

        String q = options.agentQuery();

        assertThat(q).isEqualTo("command=sh&command=-c&command=echo%20a%2Bb%20%26%20x%3D1%20%25"
                + "&stdin=true&stdout=true&stderr=false&tty=false");
        String raw = URI.create("http://x/?" + q).getRawQuery().split("&")[2].substring("command=".length());
        assertThat(URI.create("http://x/" + raw).getPath()).isEqualTo("/echo a+b & x=1 %");
        assertThat(URLDecoder.decode(raw, StandardCharsets.UTF_8)).isEqualTo("echo a+b & x=1 %");
    }
}
