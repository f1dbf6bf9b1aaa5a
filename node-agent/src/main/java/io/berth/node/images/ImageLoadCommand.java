package io.berth.node.images;

import io.berth.node.runtime.RuntimeFailure;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/berth image load}: imports an archive into a node's image store without starting the agent (a plain
 * main, no Spring), so images can be loaded before the agent runs or while it does (the agent finds them at once).
 * Run from the agent's exec jar through Spring Boot's {@code PropertiesLauncher}:
 * <pre>
 *   java -cp node-agent-exec.jar -Dloader.main=io.berth.node.images.ImageLoadCommand \
 *       org.springframework.boot.loader.launch.PropertiesLauncher FILE STORE_DIR [REFERENCE]
 * </pre>
 * Prints one {@code Loaded image: <reference> <id>} line per image; exits 1 with the reason on failure, 2 on bad usage.
 */
public final class ImageLoadCommand {

    private ImageLoadCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command without {@code System.exit}: returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || args.length > 3) {
            err.println("usage: ImageLoadCommand FILE STORE_DIR [REFERENCE]");
            return 2;
        }
        Path source = Path.of(args[0]);
        Path storeDir = Path.of(args[1]);
        String reference = args.length == 3 ? args[2] : null;
        try {
            // The containers directory is never touched by a load; it is the agent's layout for completeness.
            LocalImageStore store = new LocalImageStore(storeDir, storeDir.resolveSibling("containers"));
            List<Image> loaded = store.load(source, reference);
            for (Image image : loaded) {
                out.println("Loaded image: " + image.reference() + " " + image.id());
            }
            return 0;
        } catch (RuntimeFailure e) {
            err.println("image load failed: " + e.getMessage());
            return 1;
        }
    }
}
