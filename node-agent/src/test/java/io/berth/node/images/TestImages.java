package io.berth.node.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds tiny real images for tests, with no registry: an OCI layout holding a static busybox ({@code /bin/busybox}
 * from Debian's {@code busybox-static}) with every applet linked in {@code /bin}, a minimal {@code /etc/passwd} and
 * {@code /etc/group} (root, nobody) and a sticky {@code /tmp}. Needs root and {@code umoci}; {@code skopeo} for the
 * archive forms. Use {@link #available()} in an assumption so machines without them skip.
 */
public final class TestImages {

    /** The static busybox the images are made of. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private TestImages() {
    }

    /** Whether images can be built and imported here: root, umoci, skopeo, a static /bin/busybox. */
    public static boolean available() {
        return "root".equals(System.getProperty("user.name")) && onPath("umoci") && onPath("skopeo") && isStatic(BUSYBOX);
    }

    /** Why {@link #available()} is false, for the assumption's message. */
    public static String unavailableReason() {
        return "needs root, umoci, skopeo and a static /bin/busybox (Debian: apt-get install -y umoci skopeo busybox-static)";
    }

    /**
     * An OCI layout at {@code layout} with one image tagged {@code tag}; {@code configFlags} are {@code umoci config}
     * flags applied last, e.g. {@code --config.cmd=sh}, {@code --config.env=A=1}, {@code --config.user=1000},
     * {@code --config.workingdir=/tmp}.
     */
    public static Path busyboxLayout(Path layout, String tag, String... configFlags) {
        Path bundle = layout.resolveSibling(layout.getFileName() + ".bundle");
        String image = layout + ":" + tag;
        try {
            run("umoci", "init", "--layout", layout.toString());
            run("umoci", "new", "--image", image);
            run("umoci", "unpack", "--image", image, bundle.toString());
            Path rootfs = bundle.resolve("rootfs");
            Path bin = Files.createDirectories(rootfs.resolve("bin"));
            Files.copy(BUSYBOX, bin.resolve("busybox"));
            for (String applet : run(BUSYBOX.toString(), "--list").split("\n")) {
                if (!applet.isBlank() && !applet.equals("busybox")) {
                    Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
                }
            }
            Path etc = Files.createDirectories(rootfs.resolve("etc"));
            Files.writeString(etc.resolve("passwd"),
                    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
            Files.writeString(etc.resolve("group"), "root:x:0:\nnogroup:x:65534:\n");
            Path tmp = Files.createDirectories(rootfs.resolve("tmp"));
            run("chmod", "1777", tmp.toString());
            run("umoci", "repack", "--image", image, bundle.toString());
            List<String> config = new ArrayList<>(List.of("umoci", "config", "--image", image));
            config.add("--config.env=PATH=/bin");
            config.addAll(List.of(configFlags));
            run(config.toArray(String[]::new));
            run("umoci", "gc", "--layout", layout.toString());
            return layout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(bundle);
        }
    }

    /** {@code docker save}'s format: the layout's {@code tag} written to {@code tar} as {@code name} (e.g. {@code app:1}). */
    public static Path dockerArchive(Path layout, String tag, Path tar, String name) {
        run("skopeo", "copy", "--quiet", "oci:" + layout + ":" + tag, "docker-archive:" + tar + ":" + name);
        return tar;
    }

    /** An OCI layout tar of the layout's {@code tag}, its {@code org.opencontainers.image.ref.name} being {@code refName}. */
    public static Path ociArchive(Path layout, String tag, Path tar, String refName) {
        run("skopeo", "copy", "--quiet", "oci:" + layout + ":" + tag, "oci-archive:" + tar + ":" + refName);
        return tar;
    }

    /** Runs a command, failing with its output when it exits non-zero; returns its stdout. */
    static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(":")).anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
    }

    /** An ELF binary without a program interpreter (PT_INTERP) runs in a rootfs with no libraries. */
    static boolean isStatic(Path elf) {
        try {
            if (!Files.isRegularFile(elf)) {
                return false;
            }
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(elf)).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt(0) != 0x464c457f || b.get(4) != 2) {
                return false;
            }
            long phoff = b.getLong(0x20);
            int phentsize = Short.toUnsignedInt(b.getShort(0x36));
            int phnum = Short.toUnsignedInt(b.getShort(0x38));
            for (int i = 0; i < phnum; i++) {
                if (b.getInt((int) (phoff + (long) i * phentsize)) == 3) {
                    return false;
                }
            }
            return true;
        } catch (IOException | IndexOutOfBoundsException e) {
            return false;
        }
    }

    /** Deletes a test directory tree (links are deleted, never followed). */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
