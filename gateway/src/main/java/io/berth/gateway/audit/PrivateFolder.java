package io.berth.gateway.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The folder of an embedded H2 file database, created (or narrowed to) mode 0700: audit entries are sensitive. */
final class PrivateFolder {

    private static final String H2_FILE = "jdbc:h2:file:";

    private PrivateFolder() {
    }

    /** Does nothing for URLs other than {@code jdbc:h2:file:...}. */
    static void forH2Url(String url) {
        if (url == null || !url.startsWith(H2_FILE)) {
            return;
        }
        String file = url.substring(H2_FILE.length());
        int options = file.indexOf(';');
        if (options >= 0) {
            file = file.substring(0, options);
        }
        if (file.startsWith("~/")) {
            file = System.getProperty("user.home") + file.substring(1);
        }
        Path folder = Path.of(file).toAbsolutePath().normalize().getParent();
        if (folder != null) {
            create(folder);
        }
    }

    static void create(Path folder) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        try {
            Files.createDirectories(folder,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audit database folder " + folder, e);
        }
    }
}
