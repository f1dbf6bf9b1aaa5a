package io.berth.apimachinery.streaming;

import io.berth.apimachinery.errors.StatusErrors;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The options of {@code pods/{name}/exec}, Kubernetes' {@code PodExecOptions}, as query parameters: what the
 * api-service accepts from clients and passes on to the node agent's {@code /exec} endpoint, which reads them with
 * the same parser. {@code stdout} and {@code stderr} default to true, as in Kubernetes; the kubelet's own names
 * {@code input}, {@code output} and {@code error} are read too. Immutable.
 *
 * @param command the command and its arguments, run without a shell
 * @param container the container, or null for the pod's only (or default) container
 * @param stdin   the client sends the command's standard input
 * @param stdout  the client receives the command's standard output
 * @param stderr  the client receives the command's standard error (never with {@code tty})
 * @param tty     the command runs under a terminal, whose output is one stream
 */
public record PodExecOptions(List<String> command, String container, boolean stdin, boolean stdout, boolean stderr,
                             boolean tty) {

    public PodExecOptions {
        command = List.copyOf(command);
    }

    /** Reads the options; they are checked by {@link #validate()}. */
    public static PodExecOptions parse(Function<String, List<String>> query) {
        QueryValues q = new QueryValues(query);
        String container = q.string("container");
        return new PodExecOptions(q.strings("command"), container == null || container.isEmpty() ? null : container,
                flag(q, "stdin", "input", false), flag(q, "stdout", "output", true),
                flag(q, "stderr", "error", true), q.bool("tty", false));
    }

    private static boolean flag(QueryValues q, String name, String kubeletName, boolean absent) {
        return q.present(name) ? q.bool(name, absent) : q.bool(kubeletName, absent);
    }

    /**
     * 400 BadRequest for a request no command can serve, in the words the kubelet uses; with {@code tty} the
     * standard error is dropped, as the kubelet does, since a terminal has one output stream.
     */
    public PodExecOptions validate() {
        if (command.isEmpty()) {
            throw StatusErrors.badRequest("you must specify at least one command for the container");
        }
        if (!stdin && !stdout && !stderr) {
            throw StatusErrors.badRequest("you must specify at least 1 of stdin, stdout, stderr");
        }
        return tty && stderr ? new PodExecOptions(command, container, stdin, stdout, false, true) : this;
    }

    /** The query string for the node agent, every flag explicit (no leading {@code ?}). */
    public String agentQuery() {
        List<String> params = new ArrayList<>();
        for (String arg : command) {
            // %20 rather than +: every decoder reads it as a space
            params.add("command=" + URLEncoder.encode(arg, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        params.add("stdin=" + stdin);
        params.add("stdout=" + stdout);
        params.add("stderr=" + stderr);
        params.add("tty=" + tty);
        return String.join("&", params);
    }
}
