package io.berth.node.images;

import io.berth.node.runtime.ContainerPlan;
import io.berth.node.runtime.RuntimeFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The built-in {@code host} image: the host's own programs, libraries and configuration, read-only. Its rootfs is an
 * empty directory (runc creates the mount points) plus read-only recursive binds of {@code /usr}, {@code /bin},
 * {@code /lib*}, {@code /sbin} and {@code /etc}. Where the host has merged {@code /usr} ({@code /bin -> usr/bin} on
 * Debian), the rootfs gets the same symlink instead of a bind, so paths resolve as they do on the host.
 */
final class HostImage {

    /** Read-only, but executable: the image's programs run from these binds. */
    static final List<String> BIND_OPTIONS = List.of("rbind", "ro", "nosuid", "nodev");
    static final String ID = "sha256:" + sha256("berth host image v1: read-only binds of /usr /bin /lib* /sbin /etc");
    static final List<String> ENV = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    /** Directories of the container's own rootfs that programs expect to write to (kubectl cp stages in /tmp). */
    static final List<String> SCRATCH = List.of("tmp", "var/tmp");
    /** {@code drwxrwxrwt}, as in every base image. */
    private static final int STICKY_WORLD_WRITABLE = 01777;

    private final Path hostRoot;

    HostImage(Path hostRoot) {
        this.hostRoot = hostRoot;
    }

    static boolean is(ImageReference reference) {
        return reference.repository().equals("docker.io/library/host");
    }

    static Image image(String reference) {
        return new Image(reference, ID, List.of(), List.of(), ENV, "", "");
    }

    /**
     * Fills the empty {@code rootfs} with the host's symlinked top-level entries and the scratch directories every
     * base image has ({@code /tmp}, {@code /var/tmp}: mode 1777); returns the binds it needs.
     */
    List<ContainerPlan.Mount> prepare(Path rootfs) throws IOException {
        for (String scratch : SCRATCH) {
            Path dir = Files.createDirectories(rootfs.resolve(scratch));
            Files.setAttribute(dir, "unix:mode", STICKY_WORLD_WRITABLE);
        }
        List<ContainerPlan.Mount> mounts = new ArrayList<>();
        for (String name : entries()) {
            Path onHost = hostRoot.resolve(name);
            if (Files.isSymbolicLink(onHost)) {
                Path target = Files.readSymbolicLink(onHost);
                Path link = rootfs.resolve(name);
                try {
                    Files.createSymbolicLink(link, target);
                } catch (FileAlreadyExistsException e) {
                    // prepared before: idempotent as long as it is the same link
                    if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).equals(target)) {
                        throw new RuntimeFailure(link + " exists and is not a link to " + target);
                    }
                }
            } else if (name.equals("etc") && Files.isDirectory(onHost, LinkOption.NOFOLLOW_LINKS)) {
                mounts.add(etcOverlay(onHost, rootfs.getParent()));
            } else if (Files.isDirectory(onHost, LinkOption.NOFOLLOW_LINKS)) {
                mounts.add(new ContainerPlan.Mount("/" + name, onHost.toString(), "bind", BIND_OPTIONS));
            }
        }
        return List.copyOf(mounts);
    }

    /**
     * {@code /etc} as an overlay: the host's {@code /etc} read-only below, the container's own upper layer above, so
     * volumes and the kubelet's files can be mounted at paths under {@code /etc} that the host does not have (a bind
     * of the host's {@code /etc} could not get new mount points) and nothing the container writes reaches the host.
     */
    static ContainerPlan.Mount etcOverlay(Path hostEtc, Path containerDir) throws IOException {
        Path upper = Files.createDirectories(containerDir.resolve(ETC_UPPER));
        Path work = Files.createDirectories(containerDir.resolve("etc-work"));
        return new ContainerPlan.Mount("/etc", "overlay", "overlay", List.of("nosuid", "nodev",
                "lowerdir=" + hostEtc, "upperdir=" + upper, "workdir=" + work));
    }

    /** The directory (beside the container's rootfs) holding what the container changed in {@code /etc}. */
    static final String ETC_UPPER = "etc-upper";

    /** {@code usr, bin, lib..., sbin, etc} in a fixed order, so the mounts are the same on every call. */
    private List<String> entries() throws IOException {
        List<String> libs;
        try (Stream<Path> top = Files.list(hostRoot)) {
            libs = top.map(p -> Objects.toString(p.getFileName(), ""))
                    .filter(n -> n.startsWith("lib"))
                    .sorted()
                    .toList();
        }
        List<String> names = new ArrayList<>(List.of("usr", "bin"));
        names.addAll(libs);
        names.addAll(List.of("sbin", "etc"));
        return names;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
