package io.berth.node.runtime;

import io.berth.node.volumes.HostMounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The mount checks the pod start path uses instead of reading the mount table (root: it mounts a tmpfs). */
class MountsTest {

    @TempDir
    Path dir;

    @Test
    void aTmpfsIsSeenByItsDeviceAndAPlainDirectoryOrAMissingPathIsNot() throws IOException {
        assumeThat(System.getProperty("user.name")).as("mounting needs root").isEqualTo("root");
        Path target = Files.createDirectories(dir.resolve("shm"));
        Path missing = dir.resolve("missing");
        HostMounter mounter = new HostMounter();
        assertThat(Mounts.hasOwnFilesystem(target)).isFalse();
        assertThat(Mounts.hasOwnFilesystem(missing)).isFalse();

        mounter.tmpfs(target, "size=1m");
        try {
            assertThat(Mounts.hasOwnFilesystem(target)).isTrue();
            assertThat(Mounts.isMountPoint(target)).as("the mount table agrees").isTrue();
            Files.writeString(target.resolve("f"), "x");
            assertThatThrownBy(() -> Mounts.deleteTree(dir)).isInstanceOf(RuntimeFailure.class)
                    .hasMessageContaining("is still mounted");
            mounter.tmpfs(target, "size=1m"); // mounted already: nothing stacked on it
            mounter.unmount(target);
            assertThat(Mounts.isMountPoint(target)).as("one unmount removed it").isFalse();
        } finally {
            mounter.unmount(target);
        }
        assertThat(Mounts.hasOwnFilesystem(target)).isFalse();
        Mounts.deleteTree(target);
        assertThat(target).doesNotExist();
    }
}
