package io.berth.apimachinery.streaming;

import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes' remote command protocol over WebSocket ({@code k8s.io/apimachinery/pkg/util/remotecommand}), spoken by
 * {@code kubectl exec} and {@code kubectl cp} with the api-service, and by the api-service with the node agent.
 *
 * <p>Every message is a binary frame whose first byte is the stream: {@link #STDIN} (client to server),
 * {@link #STDOUT}, {@link #STDERR} (server to client), {@link #ERROR} (server to client: one JSON {@code Status},
 * {@code Success} or a {@code Failure} such as reason {@code NonZeroExitCode} with an {@code ExitCode} cause, written
 * when the command ends, just before the server closes the WebSocket normally) and {@link #RESIZE} (client to
 * server: {@code {"Width":80,"Height":24}}). {@link #V5} adds a close signal: the frame {@code [255, stream]} says
 * the sender is done with that stream; a client sends {@code [255, 0]} when its input ends, and the command's
 * standard input is closed. Stateless.
 */
public final class RemoteCommand {

    /** Adds the close signal ({@link #CLOSE}) to v4. */
    public static final String V5 = "v5.channel.k8s.io";
    /** Binary channels; the error stream carries a {@code Status} with the exit code. */
    public static final String V4 = "v4.channel.k8s.io";
    /** The subprotocols Berth speaks, best first. */
    public static final List<String> PROTOCOLS = List.of(V5, V4);

    public static final int STDIN = 0;
    public static final int STDOUT = 1;
    public static final int STDERR = 2;
    public static final int ERROR = 3;
    public static final int RESIZE = 4;
    /** First byte of a v5 close signal; the second names the stream. */
    public static final int CLOSE = 255;

    public static final String NON_ZERO_EXIT_CODE = "NonZeroExitCode";
    public static final String EXIT_CODE_CAUSE = "ExitCode";

    private RemoteCommand() {
    }

    /**
     * The subprotocol to speak: the first one the client offers that Berth speaks, as Kubernetes' WebSocket
     * handshake chooses (and as Spring's handshake does, so a gateway in between agrees).
     *
     * @param offered the {@code Sec-WebSocket-Protocol} header values, each possibly a comma-separated list
     */
    public static Optional<String> negotiate(List<String> offered) {
        for (String protocol : offeredProtocols(offered)) {
            if (PROTOCOLS.contains(protocol)) {
                return Optional.of(protocol);
            }
        }
        return Optional.empty();
    }

    /** The protocols of {@code Sec-WebSocket-Protocol} header values, in the order offered. */
    public static List<String> offeredProtocols(List<String> headerValues) {
        List<String> out = new ArrayList<>();
        if (headerValues != null) {
            for (String value : headerValues) {
                for (String p : value.split(",")) {
                    if (!p.isBlank()) {
                        out.add(p.trim());
                    }
                }
            }
        }
        return out;
    }

    /** A frame on {@code stream}: the stream's byte, then {@code data}. */
    public static byte[] frame(int stream, byte[] data, int offset, int length) {
        byte[] frame = new byte[length + 1];
        frame[0] = (byte) stream;
        System.arraycopy(data, offset, frame, 1, length);
        return frame;
    }

    /** The error stream's frame when the command exited: {@code Success} for 0, else {@code NonZeroExitCode}. */
    public static byte[] exitFrame(int exitCode) {
        Status status = exitCode == 0 ? success() : nonZeroExit(exitCode);
        byte[] json = Json.write(status);
        return frame(ERROR, json, 0, json.length);
    }

    /** The error stream's frame for a failure to run the command at all (Kubernetes' 500 InternalError). */
    public static byte[] failureFrame(String message) {
        Status status = new StatusBuilder().withMetadata(new ListMeta()).withStatus("Failure")
                .withMessage("Internal error occurred: " + message).withReason("InternalError").withCode(500)
                .withDetails(new StatusDetailsBuilder().withCauses(new StatusCause(null, message, null)).build())
                .build();
        byte[] json = Json.write(status);
        return frame(ERROR, json, 0, json.length);
    }

    static Status success() {
        return new StatusBuilder().withMetadata(new ListMeta()).withStatus("Success").build();
    }

    /**
     * As the kubelet reports it; a client parses the cause's message as an exit code of 0 to 255, so a code outside
     * that range (a signal-killed process reports 128 + n already) keeps its low byte as the shell would.
     */
    static Status nonZeroExit(int exitCode) {
        int code = exitCode & 0xff;
        return new StatusBuilder().withMetadata(new ListMeta()).withStatus("Failure")
                .withMessage("command terminated with non-zero exit code: exit status " + code)
                .withReason(NON_ZERO_EXIT_CODE)
                .withDetails(new StatusDetailsBuilder()
                        .withCauses(new StatusCause(null, Integer.toString(code), EXIT_CODE_CAUSE)).build())
                .build();
    }
}
