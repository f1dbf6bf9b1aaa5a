package io.berth.node.images;

import java.util.List;

/**
 * An image on the node, with the parts of its OCI config a container inherits when the PodSpec is silent.
 *
 * @param reference  the name it was asked for (e.g. {@code busybox:1.36}, {@code host})
 * @param id         its digest ({@code sha256:...}), reported as {@code imageID}
 * @param entrypoint the image's ENTRYPOINT (the container's {@code command} when unset)
 * @param cmd        the image's CMD (the container's {@code args} when both are unset)
 * @param env        {@code NAME=value} entries the container starts with
 * @param workingDir the image's working directory, or empty
 * @param user       the image's {@code User} ({@code uid[:gid]}), or empty
 */
public record Image(String reference, String id, List<String> entrypoint, List<String> cmd, List<String> env,
                    String workingDir, String user) {
}
