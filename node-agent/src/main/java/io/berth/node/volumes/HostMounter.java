package io.berth.node.volumes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tmpfs mounts on the node with {@code mount}/{@code umount} (the agent runs as root). Thread safe. */
public final class HostMounter implements Volumes.Mounter {

    @Override
    public void tmpfs(Path dir, String options) {
        if (mounted(dir)) {
            return;
        }
        run(List.of("mount", "-t", "tmpfs", "-o", "nosuid,nodev," + options, "tmpfs", dir.toString()));
    }

    @Override
    public void unmount(Path dir) {
        if (mounted(dir)) {
            run(List.of("umount", "-l", dir.toString()));
        }
    }

    /**
     * True when a filesystem of its own (the tmpfs this class mounts) is mounted at {@code dir}: its device differs
     * from its parent's. Two stats, where reading the mount table costs more with every pod on the node.
     */
    static boolean mounted(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            Object dev = Files.getAttribute(abs, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            return abs.getParent() != null && !dev.equals(Files.getAttribute(abs.getParent(), "unix:dev"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new VolumeFailure(String.join(" ", command) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new VolumeFailure(String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new VolumeFailure(String.join(" ", command) + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VolumeFailure("interrupted", e);
        }
    }
}
