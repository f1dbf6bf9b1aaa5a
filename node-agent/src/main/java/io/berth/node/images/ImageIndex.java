package io.berth.node.images;

import io.berth.node.runtime.RuntimeFailure;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code images.json}: normalized reference → image, the store's only record of what was loaded. Written whole
 * through a rename, so a reader (another agent process, {@code bin/berth image load}) never sees half a file; read
 * again whenever the file changed, so images loaded by another process are found without a restart.
 *
 * <p>Thread safe.
 */
final class ImageIndex {

    /** The file's shape: a list rather than a map so the references stay readable and sorted. */
    record File(List<Image> images) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path file;
    private Object readVersion;
    private Map<String, Image> images = Map.of();

    ImageIndex(Path file) {
        this.file = file;
    }

    /** The images by normalized reference, as the file says now. */
    synchronized Map<String, Image> images() {
        Object version = version();
        if (!Objects.equals(version, readVersion)) {
            images = read();
            readVersion = version;
        }
        return images;
    }

    /** Adds or replaces {@code added}; the caller holds the store's load lock, so no write is lost. */
    synchronized void put(List<Image> added) {
        Map<String, Image> next = new TreeMap<>(images());
        for (Image image : added) {
            next.put(image.reference(), image);
        }
        List<Image> sorted = next.values().stream().sorted(Comparator.comparing(Image::reference)).toList();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(new File(sorted)));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RuntimeFailure("could not write the image index " + file + ": " + e.getMessage(), e);
        }
        images = Map.copyOf(next);
        readVersion = version();
    }

    private Map<String, Image> read() {
        try {
            File parsed = JSON.readValue(Files.readAllBytes(file), File.class);
            Map<String, Image> byReference = new TreeMap<>();
            if (parsed.images() != null) {
                for (Image image : parsed.images()) {
                    byReference.put(image.reference(), image);
                }
            }
            return Map.copyOf(byReference);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | JacksonException e) {
            throw new RuntimeFailure("the image index " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Changes whenever the file is replaced: the rename gives it a new inode, a write a new time. */
    private Object version() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(String.valueOf(attributes.fileKey()), attributes.lastModifiedTime(), attributes.size());
        } catch (IOException e) {
            return null;
        }
    }
}
