package io.berth.node.images;

import io.berth.node.runtime.RuntimeFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real imports with skopeo and umoci and real overlay mounts: runs as root with the tools, skips elsewhere. */
class LocalImageStoreTest {

    @TempDir
    static Path images;
    static Path layout;

    @TempDir
    Path dir;
    Path storeDir;
    Path containersDir;
    LocalImageStore store;

    @BeforeAll
    static void buildImage() {
        assumeTrue(TestImages.available(), TestImages.unavailableReason());
        layout = TestImages.busyboxLayout(images.resolve("layout"), "busybox",
                "--config.entrypoint=/bin/sh", "--config.cmd=-c", "--config.cmd=echo hello",
                "--config.env=GREETING=hi", "--config.workingdir=/tmp", "--config.user=65534:65534");
    }

    @BeforeEach
    void newStore() {
        storeDir = dir.resolve("store");
        containersDir = dir.resolve("containers");
        store = new LocalImageStore(storeDir, containersDir);
    }

    @AfterEach
    void leaveNothingMounted() {
        List<Path> left = Mounts.mountsUnder(dir);
        // Unmount before failing, so a broken test does not leave the machine with stray mounts.
        left.forEach(Mounts::unmount);
        assertThat(left).as("mounts left under the test directory").isEmpty();
    }

    @Test
    void anOciLayoutIsFoundUnderEverySpellingKubernetesTreatsAsTheSame() {
        List<Image> loaded = store.load(layout, null);

        assertThat(loaded).singleElement().satisfies(image -> {
            assertThat(image.reference()).isEqualTo("docker.io/library/busybox:latest");
            assertThat(image.id()).matches("sha256:[0-9a-f]{64}");
            assertThat(image.entrypoint()).containsExactly("/bin/sh");
            assertThat(image.cmd()).containsExactly("-c", "echo hello");
            assertThat(image.env()).contains("PATH=/bin", "GREETING=hi");
            assertThat(image.workingDir()).isEqualTo("/tmp");
            assertThat(image.user()).isEqualTo("65534:65534");
        });
        String id = loaded.get(0).id();
        for (String spelling : List.of("busybox", "busybox:latest", "library/busybox", "docker.io/library/busybox:latest",
                "index.docker.io/library/busybox", "busybox@" + id, "busybox:latest@" + id, id)) {
            assertThat(store.find(spelling)).as(spelling).hasValueSatisfying(image -> {
                assertThat(image.id()).isEqualTo(id);
                assertThat(image.reference()).isEqualTo(spelling);
            });
        }
        for (String other : List.of("busybox:1.36", "other", "quay.io/busybox", "busybox@sha256:" + "0".repeat(64), "Bad Name")) {
            assertThat(store.find(other)).as(other).isEmpty();
        }
        assertThat(store.list()).extracting(Image::reference).containsExactly("host", "docker.io/library/busybox:latest");
    }

    @Test
    void anotherStoreOverTheSameDirectoryFindsWhatWasLoaded() {
        LocalImageStore running = new LocalImageStore(storeDir, containersDir);
        assertThat(running.find("app:1")).isEmpty();

        String id = store.load(layout, "registry.local:5000/team/app:1").get(0).id();

        assertThat(new LocalImageStore(storeDir, containersDir).find("registry.local:5000/team/app:1"))
                .map(Image::id).hasValue(id);
        // an instance that was already running sees the import made by another one (bin/berth image load)
        assertThat(running.find("registry.local:5000/team/app:1")).map(Image::id).hasValue(id);
    }

    @Test
    void anImageIsUnpackedOnceAndEachContainerWritesIntoItsOwnUpperDirectory() throws IOException {
        Image image = store.load(layout, "app:1").get(0);
        store.load(layout, "app:2");
        assertThat(Files.list(storeDir.resolve("unpacked")).toList()).hasSize(1);
        Path lower = storeDir.resolve("unpacked").resolve(image.id().substring(7)).resolve("rootfs");

        Rootfs rootfs = store.prepare(image, "c1");
        Rootfs again = store.prepare(image, "c1");
        Rootfs other = store.prepare(image, "c2");

        assertThat(again).isEqualTo(rootfs);
        assertThat(rootfs.path()).isEqualTo(containersDir.resolve("c1/rootfs"));
        assertThat(rootfs.mounts()).isEmpty();
        assertThat(Mounts.mountPoints()).containsOnlyOnce(rootfs.path());
        assertThat(rootfs.path().resolve("bin/busybox")).isRegularFile();
        Files.writeString(rootfs.path().resolve("tmp/written"), "x");
        Files.delete(rootfs.path().resolve("bin/cat"));

        assertThat(containersDir.resolve("c1/upper/tmp/written")).hasContent("x");
        assertThat(lower.resolve("tmp/written")).doesNotExist();
        assertThat(lower.resolve("bin/cat")).isSymbolicLink();
        assertThat(other.path().resolve("tmp/written")).doesNotExist();
        assertThat(other.path().resolve("bin/cat")).isSymbolicLink();

        store.release("c1");
        store.release("c1");
        store.release("c2");

        assertThat(Mounts.mountsUnder(containersDir)).isEmpty();
        assertThat(containersDir.resolve("c1")).doesNotExist();
        assertThat(containersDir.resolve("c2")).doesNotExist();
        assertThat(lower.resolve("bin/busybox")).isRegularFile();
    }

    @Test
    void releaseDetachesARootfsThatIsStillBusy() throws Exception {
        Image image = store.load(layout, "app:1").get(0);
        Path rootfs = store.prepare(image, "busy").path();
        // an open directory keeps the mount busy, as a process still running in it would
        try (var open = Files.newDirectoryStream(rootfs.resolve("bin"))) {
            store.release("busy");
            assertThat(Mounts.isMountPoint(rootfs)).isFalse();
        }
        assertThat(containersDir.resolve("busy")).doesNotExist();
    }

    @Test
    void aDockerArchiveIsImportedUnderTheTagsItCarries() {
        Path tar = TestImages.dockerArchive(layout, "busybox", dir.resolve("saved.tar"), "example.com/team/app:v2");

        List<Image> loaded = store.load(tar, null);

        assertThat(loaded).extracting(Image::reference).containsExactly("example.com/team/app:v2");
        assertThat(store.find("example.com/team/app:v2")).hasValueSatisfying(image -> {
            assertThat(image.cmd()).containsExactly("-c", "echo hello");
            assertThat(image.env()).contains("GREETING=hi");
        });
        Rootfs rootfs = store.prepare(loaded.get(0), "from-docker");
        assertThat(rootfs.path().resolve("bin/busybox")).isRegularFile();
        store.release("from-docker");
    }

    @Test
    void anOciArchiveIsImportedUnderTheReferenceGiven() {
        Path tar = TestImages.ociArchive(layout, "busybox", dir.resolve("oci.tar"), "whatever");

        List<Image> loaded = store.load(tar, "tools:2024");

        assertThat(loaded).extracting(Image::reference).containsExactly("docker.io/library/tools:2024");
        assertThat(store.find("whatever")).isEmpty();
        assertThat(store.find("tools:2024")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tar-of-other-files", "missing"})
    void somethingThatIsNoImageArchiveIsRefusedWithAReadableMessage(String kind) throws IOException {
        Path source = dir.resolve(kind);
        switch (kind) {
            case "text" -> Files.writeString(source, "not an archive\n".repeat(100));
            case "tar-of-other-files" -> {
                Files.writeString(dir.resolve("readme.txt"), "hello");
                TestImages.run("tar", "-C", dir.toString(), "-cf", source.toString(), "readme.txt");
            }
            default -> {
            }
        }

        assertThatThrownBy(() -> store.load(source, null))
                .isInstanceOf(RuntimeFailure.class)
                .hasMessageContaining(kind.equals("missing") ? "no such file" : "archive is neither an OCI layout nor a docker-archive");
        assertThat(store.list()).extracting(Image::reference).containsExactly("host");
    }

    @Test
    void aDockerArchiveThatSkopeoCannotReadFailsWithSkopeosReason() throws IOException {
        Files.writeString(dir.resolve("manifest.json"),
                "[{\"Config\":\"missing.json\",\"RepoTags\":[\"app:1\"],\"Layers\":[\"gone/layer.tar\"]}]");
        Path tar = dir.resolve("broken.tar");
        TestImages.run("tar", "-C", dir.toString(), "-cf", tar.toString(), "manifest.json");

        assertThatThrownBy(() -> store.load(tar, null))
                .isInstanceOf(RuntimeFailure.class)
                .hasMessageStartingWith("importing " + tar + " failed: ")
                .hasMessageContaining("missing.json");
    }

    @Test
    void aGzippedDockerArchiveIsImportedToo() {
        Path tar = TestImages.dockerArchive(layout, "busybox", dir.resolve("saved.tar"), "zipped:1");
        TestImages.run("gzip", tar.toString());

        assertThat(store.load(dir.resolve("saved.tar.gz"), null)).extracting(Image::reference)
                .containsExactly("docker.io/library/zipped:1");
        assertThat(storeDir.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void everyNamedImageOfALayoutIsImportedButOneReferenceCannotNameSeveral() {
        Path two = images.resolve("two");
        if (!Files.exists(two)) {
            TestImages.run("cp", "-a", layout.toString(), two.toString());
            TestImages.run("umoci", "tag", "--image", two + ":busybox", "quay.io/team/tool:2");
        }

        assertThat(store.load(two, null)).extracting(Image::reference)
                .containsExactlyInAnyOrder("docker.io/library/busybox:latest", "quay.io/team/tool:2");
        assertThatThrownBy(() -> store.load(two, "mine:1"))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("holds 2 images");
    }

    @Test
    void loadRefusesToShadowTheHostImageAndInvalidReferences() {
        assertThatThrownBy(() -> store.load(layout, "host:latest"))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("built-in host image");
        assertThatThrownBy(() -> store.load(layout, "Not/Valid"))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("not a valid image reference");
    }
}
