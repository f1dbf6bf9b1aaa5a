package io.berth.node.volumes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /** True when {@code dir} is a mount point (from /proc/self/mountinfo). */
    static boolean mounted(Path dir) {
        String target = dir.toAbsolutePath().normalize().toString();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].replace("\\040", " ").equals(target)) {
                    return true;
                }
            }
            return false;
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
