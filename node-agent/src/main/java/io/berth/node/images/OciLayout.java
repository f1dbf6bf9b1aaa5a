package io.berth.node.images;

import io.berth.node.runtime.RuntimeFailure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads the store's OCI image layout (the one skopeo copies into): tags, manifests and image configs. */
final class OciLayout {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    private final Path dir;

    OciLayout(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** The manifest digest tagged {@code tag} in {@code index.json}. */
    String digestOf(String tag) {
        for (JsonNode manifest : read(dir.resolve("index.json")).path("manifests")) {
            if (tag.equals(manifest.path("annotations").path("org.opencontainers.image.ref.name").asString(""))) {
                return checkedDigest(manifest.path("digest").asString(""));
            }
        }
        throw new RuntimeFailure("the image store's OCI layout has no tag " + tag + " after the copy");
    }

    /**
     * The image {@code manifestDigest} as an {@link Image} named {@code reference}: the parts of its config a
     * container inherits.
     */
    Image image(String reference, String manifestDigest) {
        JsonNode manifest = read(blob(manifestDigest));
        JsonNode config = read(blob(checkedDigest(manifest.path("config").path("digest").asString("")))).path("config");
        return new Image(reference, manifestDigest, strings(config.path("Entrypoint")), strings(config.path("Cmd")),
                strings(config.path("Env")), config.path("WorkingDir").asString(""), config.path("User").asString(""));
    }

    private Path blob(String digest) {
        return dir.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    private static String checkedDigest(String digest) {
        // The digest names a file: anything but sha256 hex could point outside the layout.
        if (!SHA256.matcher(digest).matches()) {
            throw new RuntimeFailure("unsupported digest '" + digest + "' in the image (only sha256 is supported)");
        }
        return digest;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : array) {
            out.add(item.asString());
        }
        return List.copyOf(out);
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
