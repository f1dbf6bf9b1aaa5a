package io.berth.node.images;

import io.berth.node.runtime.ContainerPlan;

import java.nio.file.Path;
import java.util.List;

/**
 * A container's prepared root filesystem.
 *
 * @param path   the directory to use as the bundle's {@code root.path}
 * @param mounts mounts the container needs for the image itself (the host image's read-only binds), placed before
 *               the pod's volumes
 */
public record Rootfs(Path path, List<ContainerPlan.Mount> mounts) {
}
