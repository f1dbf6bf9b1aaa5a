package io.berth.node.runtime;

import io.berth.apimachinery.json.Json;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code runc} command line over one {@code --root}. Stateless apart from its two paths; thread safe (runc
 * locks its own state per container).
 */
final class Runc {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern MSG = Pattern.compile("msg=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Path binary;
    private final Path root;

    Runc(Path binary, Path root) {
        this.binary = binary;
        this.root = root;
    }

    Path binary() {
        return binary;
    }

    Path root() {
        return root;
    }

    /**
     * Whether runc keeps a container of this id: its state directory under the root exists, which is the condition
     * under which {@code runc create} refuses the id. A file check, where {@code runc state} would cost a process.
     */
    boolean exists(String id) {
        return Files.isDirectory(root.resolve(id), LinkOption.NOFOLLOW_LINKS);
    }

    /** {@code runc state}: empty when runc knows no such container. */
    Optional<JsonNode> state(String id) {
        Commands.Result r = Commands.run(argv("state", id), TIMEOUT);
        if (r.ok()) {
            return Optional.of(Json.mapper().readTree(r.stdout()));
        }
        if (r.stderr().contains("does not exist")) {
            return Optional.empty();
        }
        throw new RuntimeFailure("cannot read the state of container " + id + ": " + message(r));
    }

    /**
     * {@code runc list}: every container under the root. runc fails the whole list when a container's directory
     * goes while it reads (another container being deleted); that is asked again.
     */
    List<JsonNode> list() {
        Commands.Result r = Commands.run(argv("list", "--format", "json"), TIMEOUT);
        for (int attempt = 1; !r.ok() && r.stderr().contains("no such file or directory") && attempt < 5; attempt++) {
            r = Commands.run(argv("list", "--format", "json"), TIMEOUT);
        }
        if (!r.ok()) {
            throw new RuntimeFailure("cannot list the containers under " + root + ": " + message(r));
        }
        List<JsonNode> result = new ArrayList<>();
        JsonNode array = Json.mapper().readTree(r.stdout().isBlank() ? "null" : r.stdout());
        if (array != null && array.isArray()) {
            array.forEach(result::add);
        }
        return result;
    }

    void start(String id) {
        check("start container " + id, argv("start", id));
    }

    /** Sends {@code signal}; false when the container is not running (nothing to signal). */
    boolean kill(String id, String signal) {
        Commands.Result r = Commands.run(argv("kill", id, signal), TIMEOUT);
        if (r.ok()) {
            return true;
        }
        String m = message(r);
        if (m.contains("not running") || m.contains("process already finished")) {
            return false;
        }
        throw new RuntimeFailure("cannot send SIG" + signal + " to container " + id + ": " + m);
    }

    /** {@code runc delete}; succeeds when the container is gone already. */
    void delete(String id, boolean force) {
        Commands.Result r = Commands.run(force ? argv("delete", "--force", id) : argv("delete", id), TIMEOUT);
        if (!r.ok() && !r.stderr().contains("does not exist")) {
            throw new RuntimeFailure("cannot delete container " + id + ": " + message(r));
        }
    }

    /** The argv of {@code runc exec} for {@code command}; with {@code pidFile}, runc writes the process's pid there. */
    List<String> execArgv(String id, List<String> command, Path pidFile, boolean tty) {
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "--root", root.toString(), "exec"));
        if (tty) {
            argv.add("--tty");
        }
        if (pidFile != null) {
            argv.add("--pid-file");
            argv.add(pidFile.toString());
        }
        argv.add(id);
        argv.addAll(command);
        return argv;
    }

    private void check(String what, List<String> argv) {
        Commands.Result r = Commands.run(argv, TIMEOUT);
        if (r.timedOut()) {
            throw new RuntimeFailure(what + ": runc did not finish within " + TIMEOUT.toSeconds() + "s");
        }
        if (!r.ok()) {
            throw new RuntimeFailure(what + ": " + message(r));
        }
    }

    private List<String> argv(String... args) {
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "--root", root.toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** runc's error text without its logrus decoration ({@code time=... level=error msg="..."}). */
    static String message(Commands.Result r) {
        return message(r.message());
    }

    static String message(String text) {
        List<String> messages = new ArrayList<>();
        Matcher m = MSG.matcher(text);
        while (m.find()) {
            messages.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return messages.isEmpty() ? text.strip() : String.join("; ", messages);
    }
}
