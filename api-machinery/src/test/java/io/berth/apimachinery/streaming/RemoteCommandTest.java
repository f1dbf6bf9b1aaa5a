package io.berth.apimachinery.streaming;

import io.berth.apimachinery.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteCommandTest {

    record Offer(List<String> header, Optional<String> chosen) {
    }

    static Stream<Offer> offers() {
        return Stream.of(
                new Offer(List.of("v5.channel.k8s.io"), Optional.of("v5.channel.k8s.io")),
                new Offer(List.of("v4.channel.k8s.io, v5.channel.k8s.io"), Optional.of("v4.channel.k8s.io")),
                new Offer(List.of("base64.channel.k8s.io", "v5.channel.k8s.io,v4.channel.k8s.io"),
                        Optional.of("v5.channel.k8s.io")),
                new Offer(List.of("v3.channel.k8s.io, channel.k8s.io"), Optional.empty()),
                new Offer(List.of(), Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("offers")
    void theFirstOfferedProtocolBerthSpeaksIsChosenAsKubernetesChooses(Offer offer) {
        assertThat(RemoteCommand.negotiate(offer.header())).isEqualTo(offer.chosen());
    }

    @Test
    void aZeroExitIsSuccessAsTheKubeletWritesIt() {
        byte[] frame = RemoteCommand.exitFrame(0);

        assertThat(frame[0]).isEqualTo((byte) RemoteCommand.ERROR);
        JsonNode status = Json.tree(Arrays.copyOfRange(frame, 1, frame.length));
        assertThat(status.path("status").asString()).isEqualTo("Success");
        assertThat(status.has("reason")).isFalse();
        assertThat(status.has("details")).isFalse();
    }

    @Test
    void aNonZeroExitCarriesItsCodeAsTheExitCodeCause() {
        byte[] frame = RemoteCommand.exitFrame(3);

        JsonNode status = Json.tree(Arrays.copyOfRange(frame, 1, frame.length));
        assertThat(status.path("status").asString()).isEqualTo("Failure");
        assertThat(status.path("reason").asString()).isEqualTo("NonZeroExitCode");
        assertThat(status.path("details").path("causes").get(0).path("reason").asString()).isEqualTo("ExitCode");
        assertThat(status.path("details").path("causes").get(0).path("message").asString()).isEqualTo("3");
    }

    @Test
    void aFrameIsTheStreamByteThenTheData() {
        assertThat(RemoteCommand.frame(RemoteCommand.STDOUT, "xhi".getBytes(StandardCharsets.UTF_8), 1, 2))
                .containsExactly(1, 'h', 'i');
    }
}
