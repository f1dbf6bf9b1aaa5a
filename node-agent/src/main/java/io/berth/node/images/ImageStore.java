package io.berth.node.images;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The node's images: the built-in {@code host} image (any tag: read-only bind mounts of the host's {@code /usr},
 * {@code /bin}, {@code /lib*}, {@code /sbin}, {@code /etc}) and OCI images imported from an OCI layout or a
 * docker-archive, each unpacked once. A container's root filesystem is prepared per container: for {@code host}
 * a directory of mount points the runtime bind-mounts into, for OCI images an overlayfs whose upper directory is
 * the container's own. No registry is reachable: a pull is never attempted by this store.
 *
 * <p>Thread safe; {@link #prepare} and {@link #release} are idempotent per container id.
 */
public interface ImageStore {

    /** The image for a pod's {@code image} reference, if present on the node ({@code host} always is). */
    Optional<Image> find(String reference);

    /** Every image present. */
    List<Image> list();

    /**
     * Imports the archive at {@code source}: an OCI layout directory, an OCI layout tar, or a docker-archive tar,
     * tagged as it says (or as {@code reference} when given). Returns the images it added or replaced.
     */
    List<Image> load(Path source, String reference);

    /**
     * A root filesystem for container {@code containerId} from {@code image}, plus the mounts the runtime must add
     * for it (the host image's bind mounts); a second call for the same id returns the same.
     */
    Rootfs prepare(Image image, String containerId);

    /** Unmounts and deletes container {@code containerId}'s root filesystem. */
    void release(String containerId);
}
