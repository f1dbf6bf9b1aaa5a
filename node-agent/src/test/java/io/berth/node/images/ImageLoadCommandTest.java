package io.berth.node.images;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ImageLoadCommandTest {

    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ImageLoadCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void loadingPrintsEachReferenceWithItsIdAndTheAgentsStoreFindsIt() {
        assumeTrue(TestImages.available(), TestImages.unavailableReason());
        Path layout = TestImages.busyboxLayout(dir.resolve("layout"), "busybox", "--config.cmd=sh");
        Path store = dir.resolve("node/images");

        assertThat(run(layout.toString(), store.toString(), "tools:1")).isZero();

        String id = new LocalImageStore(store, dir.resolve("node/containers")).find("tools:1").orElseThrow().id();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Loaded image: docker.io/library/tools:1 " + id + "\n");
    }

    @Test
    void aFailedLoadExitsOneWithTheReason() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.tar"), "junk");

        assertThat(run(junk.toString(), dir.resolve("images").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("image load failed: ").contains("archive is neither an OCI layout nor a docker-archive");
    }

    @Test
    void missingArgumentsAreAUsageError() {
        assertThat(run("only-one")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("usage: ");
    }
}
