package io.berth.node.images;

import io.berth.node.runtime.RuntimeFailure;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an archive handed to {@link ImageStore#load} holds: its format and the images in it, each with the name it
 * carries (if any) and the skopeo source that selects it.
 *
 * @param format the skopeo transport: {@code oci}, {@code oci-archive} or {@code docker-archive}
 * @param images the images, in the archive's order
 */
record ImageSource(String format, List<Entry> images) {

    /**
     * One image in the archive.
     *
     * @param names  the references it is tagged with in the archive (none when untagged)
     * @param skopeo the skopeo source naming exactly this image
     */
    record Entry(List<String> names, String skopeo) {
    }

    static final String NEITHER = "archive is neither an OCI layout nor a docker-archive";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final String CONTAINERD_NAME = "io.containerd.image.name";

    /**
     * Inspects {@code archive}: an OCI layout directory, an OCI layout tar or a docker-archive tar; messages name it
     * {@code source} (the file the user gave, when {@code archive} is its decompressed copy).
     */
    static ImageSource inspect(Path archive, Path source) {
        Path path = archive.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new RuntimeFailure(source + ": no such file or directory");
        }
        // skopeo's transport syntax splits on ':'; such a path cannot be named to it.
        if (path.toString().contains(":")) {
            throw new RuntimeFailure(source + ": paths containing ':' cannot be imported; rename or link it");
        }
        try {
            if (Files.isDirectory(path)) {
                if (!Files.isRegularFile(path.resolve("oci-layout")) || !Files.isRegularFile(path.resolve("index.json"))) {
                    throw new RuntimeFailure(source + ": " + NEITHER + " (a directory must hold oci-layout and index.json)");
                }
                return oci("oci", path, Files.readAllBytes(path.resolve("index.json")));
            }
            Map<String, byte[]> entries = TarEntries.read(path, Set.of("oci-layout", "index.json", "manifest.json"));
            if (entries.containsKey("oci-layout") && entries.containsKey("index.json")) {
                return oci("oci-archive", path, entries.get("index.json"));
            }
            if (entries.containsKey("manifest.json")) {
                return dockerArchive(path, entries.get("manifest.json"));
            }
            throw new RuntimeFailure(source + ": " + NEITHER);
        } catch (IOException | JacksonException e) {
            throw new RuntimeFailure(source + ": " + NEITHER + " (" + e.getMessage() + ")", e);
        }
    }

    private static ImageSource oci(String format, Path path, byte[] indexJson) {
        JsonNode manifests = JSON.readTree(indexJson).path("manifests");
        List<Entry> images = new ArrayList<>();
        for (JsonNode manifest : manifests) {
            JsonNode annotations = manifest.path("annotations");
            String refName = annotations.path(REF_NAME).asString("");
            String full = annotations.path(CONTAINERD_NAME).asString("");
            List<String> names = !full.isEmpty() ? List.of(full) : refName.isEmpty() ? List.of() : List.of(refName);
            // An unnamed image can only be selected when it is the only one (skopeo has no index syntax for oci:).
            String skopeo = format + ":" + path + (refName.isEmpty() ? "" : ":" + refName);
            images.add(new Entry(names, skopeo));
        }
        if (images.isEmpty()) {
            throw new RuntimeFailure(path + ": the OCI layout holds no image");
        }
        if (images.size() > 1 && images.stream().anyMatch(e -> !e.skopeo().startsWith(format + ":" + path + ":"))) {
            throw new RuntimeFailure(path + ": the OCI layout holds " + images.size()
                    + " images and some have no " + REF_NAME + " annotation to select them by");
        }
        return new ImageSource(format, images);
    }

    private static ImageSource dockerArchive(Path path, byte[] manifestJson) {
        JsonNode manifest = JSON.readTree(manifestJson);
        List<Entry> images = new ArrayList<>();
        int index = 0;
        for (JsonNode image : manifest) {
            List<String> names = new ArrayList<>();
            for (JsonNode tag : image.path("RepoTags")) {
                names.add(tag.asString());
            }
            images.add(new Entry(names, "docker-archive:" + path + ":@" + index++));
        }
        if (images.isEmpty()) {
            throw new RuntimeFailure(path + ": the docker-archive holds no image");
        }
        return new ImageSource("docker-archive", images);
    }
}
