package io.berth.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting the temporary folders the testkit creates. */
final class TempFiles {

    private TempFiles() {
    }

    /**
     * Deletes {@code dir} and everything under it, ignoring failures: it runs at the end of tests and in
     * shutdown hooks, where a leftover temp folder is better than an exception hiding the test's result.
     */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort, see above
                }
            });
        } catch (IOException ignored) {
            // best effort, see above
        }
    }
}
