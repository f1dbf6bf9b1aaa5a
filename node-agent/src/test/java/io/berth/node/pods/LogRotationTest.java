package io.berth.node.pods;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogRotationTest {

    @TempDir
    Path dir;

    private final PodWorkerTest.MutableClock clock =
            new PodWorkerTest.MutableClock(Instant.parse("2026-11-28T05:00:00Z"));

    @Test
    void aLogBelowItsSizeStays() throws IOException {
        PodWorkerTest.FakeRuntime runtime = new PodWorkerTest.FakeRuntime();
        Path log = Files.writeString(dir.resolve("0.log"), "x".repeat(99));

        assertThat(new LogRotation(runtime, 100, 3, clock).rotateIfDue("c1", log)).isFalse();

        assertThat(log).hasSize(99);
        assertThat(runtime.reopened).isEmpty();
    }

    @Test
    void aFullLogIsRenamedWithItsTimeAndReopened() throws IOException {
        PodWorkerTest.FakeRuntime runtime = new PodWorkerTest.FakeRuntime();
        Path log = Files.writeString(dir.resolve("0.log"), "x".repeat(100));

        assertThat(new LogRotation(runtime, 100, 3, clock).rotateIfDue("c1", log)).isTrue();

        assertThat(log).doesNotExist();
        assertThat(dir.resolve("0.log.20261128-050000")).hasSize(100);
        assertThat(runtime.reopened).containsExactly("c1");
    }

    @Test
    void onlyTheNewestFilesAreKeptAndOtherRunsAreLeftAlone() throws IOException {
        PodWorkerTest.FakeRuntime runtime = new PodWorkerTest.FakeRuntime();
        LogRotation rotation = new LogRotation(runtime, 10, 3, clock);
        Path log = dir.resolve("1.log");
        Path otherRun = Files.writeString(dir.resolve("11.log"), "y".repeat(50));
        for (int i = 0; i < 4; i++) {
            Files.writeString(log, "rotation " + i);
            assertThat(rotation.rotateIfDue("c1", log)).isTrue();
            clock.advance(Duration.ofSeconds(10));
        }

        assertThat(LogRotation.rotated(log)).extracting(p -> p.getFileName().toString())
                .containsExactly("1.log.20261128-050020", "1.log.20261128-050030");
        assertThat(dir.resolve("1.log.20261128-050030")).hasContent("rotation 3");
        assertThat(otherRun).exists();
    }

    @Test
    void twoRotationsInOneSecondDoNotOverwriteEachOther() throws IOException {
        PodWorkerTest.FakeRuntime runtime = new PodWorkerTest.FakeRuntime();
        LogRotation rotation = new LogRotation(runtime, 1, 5, clock);
        Path log = dir.resolve("0.log");
        Files.writeString(log, "first");
        rotation.rotateIfDue("c1", log);
        Files.writeString(log, "second");
        rotation.rotateIfDue("c1", log);

        assertThat(dir.resolve("0.log.20261128-050000")).hasContent("first");
        assertThat(dir.resolve("0.log.20261128-050000-1")).hasContent("second");
    }

    @Test
    void aMissingLogIsNotRotatedAndTooFewFilesAreRefused() {
        PodWorkerTest.FakeRuntime runtime = new PodWorkerTest.FakeRuntime();

        assertThat(new LogRotation(runtime, 1, 2, clock).rotateIfDue("c1", dir.resolve("none.log"))).isFalse();
        assertThat(runtime.reopened).isEmpty();
        assertThatThrownBy(() -> new LogRotation(runtime, 1, 1, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
