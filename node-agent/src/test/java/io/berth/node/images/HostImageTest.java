package io.berth.node.images;

import io.berth.node.runtime.ContainerPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in host image over a fake host root: no root privileges or tools needed. */
class HostImageTest {

    @TempDir
    Path dir;

    @Test
    void hostUnderAnyTagIsTheBuiltInImageWithAStableIdAndNoCommand() {
        LocalImageStore store = new LocalImageStore(dir.resolve("store"), dir.resolve("containers"), fakeHost());

        for (String spelling : List.of("host", "host:latest", "host:v1", "docker.io/library/host:anything")) {
            assertThat(store.find(spelling)).as(spelling).hasValueSatisfying(image -> {
                assertThat(image.reference()).isEqualTo(spelling);
                assertThat(image.id()).isEqualTo(HostImage.ID).matches("sha256:[0-9a-f]{64}");
                assertThat(image.entrypoint()).isEmpty();
                assertThat(image.cmd()).isEmpty();
                assertThat(image.env()).containsExactly("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            });
        }
        assertThat(store.find(HostImage.ID)).isPresent();
        assertThat(store.find("hostess")).isEmpty();
    }

    @Test
    void aHostRootfsBindsTheHostsDirectoriesReadOnlyOverlaysEtcRecreatesItsMergedUsrLinksAndHasScratchDirectories() throws IOException {
        Path host = fakeHost();
        LocalImageStore store = new LocalImageStore(dir.resolve("store"), dir.resolve("containers"), host);
        Image image = store.find("host").orElseThrow();

        Rootfs rootfs = store.prepare(image, "h1");

        assertThat(rootfs.path()).isEqualTo(dir.resolve("containers/h1/rootfs")).isDirectory();
        List<String> options = List.of("rbind", "ro", "nosuid", "nodev");
        assertThat(rootfs.mounts()).containsExactly(
                new ContainerPlan.Mount("/usr", host.resolve("usr").toString(), "bind", options),
                new ContainerPlan.Mount("/lib32", host.resolve("lib32").toString(), "bind", options),
                new ContainerPlan.Mount("/etc", "overlay", "overlay", List.of("nosuid", "nodev",
                        "lowerdir=" + host.resolve("etc"), "upperdir=" + dir.resolve("containers/h1/etc-upper"),
                        "workdir=" + dir.resolve("containers/h1/etc-work"))));
        assertThat(Files.readSymbolicLink(rootfs.path().resolve("bin"))).isEqualTo(Path.of("usr/bin"));
        assertThat(Files.readSymbolicLink(rootfs.path().resolve("lib"))).isEqualTo(Path.of("usr/lib"));
        assertThat(Files.readSymbolicLink(rootfs.path().resolve("sbin"))).isEqualTo(Path.of("usr/sbin"));
        assertThat(rootfs.path().resolve("home")).doesNotExist();
        for (String scratch : List.of("tmp", "var/tmp")) {
            assertThat(Files.getAttribute(rootfs.path().resolve(scratch), "unix:mode")).as(scratch)
                    .isEqualTo(0x4000 | 01777); // a directory, drwxrwxrwt
        }
        assertThat(store.prepare(image, "h1")).isEqualTo(rootfs);

        store.release("h1");

        assertThat(dir.resolve("containers/h1")).doesNotExist();
        // the links were removed, not followed
        assertThat(host.resolve("usr/bin/tool")).isRegularFile();
    }

    private Path fakeHost() {
        try {
            Path host = dir.resolve("host");
            Files.createDirectories(host.resolve("usr/bin"));
            Files.createDirectories(host.resolve("usr/lib"));
            Files.createDirectories(host.resolve("usr/sbin"));
            Files.createDirectories(host.resolve("etc"));
            Files.createDirectories(host.resolve("lib32"));
            Files.createDirectories(host.resolve("home"));
            Files.writeString(host.resolve("usr/bin/tool"), "#!/bin/sh\n");
            if (!Files.exists(host.resolve("bin"))) {
                Files.createSymbolicLink(host.resolve("bin"), Path.of("usr/bin"));
                Files.createSymbolicLink(host.resolve("lib"), Path.of("usr/lib"));
                Files.createSymbolicLink(host.resolve("sbin"), Path.of("usr/sbin"));
            }
            return host;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
