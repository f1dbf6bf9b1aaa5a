package io.berth.node.registration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The node credential on disk: {@code <stateDir>/credential}, mode 0600, written atomically (a rename), so a crash
 * never leaves half a token and a restarted agent keeps its identity without the bootstrap token. Thread safe.
 */
public final class NodeCredentialStore {

    private final Path file;

    public NodeCredentialStore(Path stateDir) {
        this.file = stateDir.resolve("credential");
    }

    public Path file() {
        return file;
    }

    /** The stored credential, if any. */
    public synchronized Optional<String> load() {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the node credential " + file, e);
        }
    }

    /** Stores {@code token}, replacing any earlier one. */
    public synchronized void save(String token) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the node credential " + file, e);
        }
    }

    /** Forgets the credential (it was revoked). */
    public synchronized void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the node credential " + file, e);
        }
    }
}
