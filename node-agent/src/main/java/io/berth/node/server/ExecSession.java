package io.berth.node.server;

import io.berth.apimachinery.streaming.PodExecOptions;
import io.berth.apimachinery.streaming.RemoteCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code exec} over an upgraded WebSocket, in the remote command protocol ({@link RemoteCommand}): the command's
 * standard output and error go out as frames on streams 1 and 2 as the process writes them; stream 0 frames from the
 * client go to its standard input, which a v5 close signal {@code [255, 0]} closes; resize frames are read and
 * ignored (the runtime gives the process no terminal size to change). When the process has exited and both its
 * output streams are drained, the exit status goes out on stream 3 and the WebSocket is closed normally (1000), which
 * clients read as the end of every stream. A client that goes away first has the process killed.
 *
 * <p>The process's streams block, so they are read and written on {@code io} threads, one at a time per stream, and
 * only as fast as the WebSocket takes the frames.
 */
final class ExecSession {

    private static final Logger log = LoggerFactory.getLogger(ExecSession.class);
    static final int CHUNK = 32 * 1024;

    private final PodExecOptions options;
    private final String protocol;
    private final Callable<Process> start;
    private final Scheduler io;

    /**
     * @param protocol the negotiated subprotocol
     * @param start    starts the command ({@code ContainerRuntime.execStreaming}); called on an {@code io} thread
     */
    ExecSession(PodExecOptions options, String protocol, Callable<Process> start, Scheduler io) {
        this.options = options;
        this.protocol = protocol;
        this.start = start;
        this.io = io;
    }

    Mono<Void> run(WebSocketSession session) {
        return Mono.<Object>fromCallable(() -> {
                    try {
                        return start.call();
                    } catch (Exception e) {
                        return e;
                    }
                })
                .subscribeOn(io)
                .flatMap(started -> started instanceof Process process ? attach(session, process)
                        : fail(session, (Exception) started));
    }

    /** The command could not start: the error stream says why, as the kubelet's InternalError does. */
    private Mono<Void> fail(WebSocketSession session, Exception e) {
        log.info("exec in a container failed to start: {}", e.toString());
        byte[] frame = RemoteCommand.failureFrame("error executing command in container: " + e.getMessage());
        return session.send(Mono.just(binary(session, frame))).then(session.close(CloseStatus.NORMAL));
    }

    private Mono<Void> attach(WebSocketSession session, Process process) {
        OutputStream stdin = process.getOutputStream();
        AtomicBoolean stdinOpen = new AtomicBoolean(true);
        if (!options.stdin()) {
            closeStdin(stdin, stdinOpen);
        }
        // the lowest stream the client reads gets an empty frame first, as the kubelet sends: the session is up
        int first = options.stdout() ? RemoteCommand.STDOUT
                : options.stderr() ? RemoteCommand.STDERR : RemoteCommand.ERROR;
        Flux<byte[]> output = Flux.merge(4,
                pump(process.getInputStream(), RemoteCommand.STDOUT, options.stdout()),
                pump(process.getErrorStream(), RemoteCommand.STDERR, options.stderr()));
        Mono<byte[]> exit = Mono.fromCallable(process::waitFor).subscribeOn(io).map(RemoteCommand::exitFrame);
        Flux<byte[]> frames = Flux.concat(Mono.just(new byte[] {(byte) first}), output, exit);

        Mono<Void> send = session.send(frames.map(frame -> binary(session, frame)))
                .then(Mono.defer(() -> session.close(CloseStatus.NORMAL)))
                .onErrorResume(e -> Mono.empty());
        Mono<Void> receive = session.receive()
                .map(ExecSession::bytes)
                .concatMap(frame -> inbound(frame, stdin, stdinOpen))
                .onErrorResume(e -> Mono.empty())
                // the client is gone (or the session closed after the exit status): nothing more will be read
                .then(Mono.fromRunnable(() -> kill(process)));
        return Mono.when(send, receive).doFinally(signal -> {
            kill(process);
            closeStdin(stdin, stdinOpen);
        });
    }

    private Mono<Void> inbound(byte[] frame, OutputStream stdin, AtomicBoolean stdinOpen) {
        if (frame.length == 0) {
            return Mono.empty();
        }
        int stream = frame[0] & 0xff;
        if (stream == RemoteCommand.STDIN && options.stdin() && frame.length > 1) {
            return Mono.<Void>fromRunnable(() -> {
                if (!stdinOpen.get()) {
                    return;
                }
                try {
                    stdin.write(frame, 1, frame.length - 1);
                    stdin.flush();
                } catch (IOException e) {
                    // the command closed its input or exited: what it does not read is dropped, as in Kubernetes
                    closeStdin(stdin, stdinOpen);
                }
            }).subscribeOn(io);
        }
        if (stream == RemoteCommand.CLOSE && RemoteCommand.V5.equals(protocol) && frame.length == 2
                && frame[1] == RemoteCommand.STDIN) {
            return Mono.<Void>fromRunnable(() -> closeStdin(stdin, stdinOpen)).subscribeOn(io);
        }
        // RESIZE, and streams a client does not write: read and dropped
        return Mono.empty();
    }

    /**
     * Frames of {@code in} as the process writes it, read one chunk per frame the WebSocket asks for; the stream is
     * drained even when the client did not ask for it, so the process never blocks on a full pipe.
     */
    private Flux<byte[]> pump(InputStream in, int stream, boolean forward) {
        Flux<byte[]> chunks = Flux.<byte[]>generate(sink -> {
            byte[] buffer = new byte[CHUNK];
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    sink.complete();
                } else {
                    sink.next(RemoteCommand.frame(stream, buffer, 0, n));
                }
            } catch (IOException e) {
                // the process is gone and its pipe closed
                sink.complete();
            }
        }).subscribeOn(io);
        return forward ? chunks : chunks.filter(frame -> false);
    }

    private static byte[] bytes(WebSocketMessage message) {
        if (message.getType() != WebSocketMessage.Type.BINARY) {
            return new byte[0];
        }
        DataBuffer payload = message.getPayload();
        byte[] bytes = new byte[payload.readableByteCount()];
        payload.read(bytes);
        return bytes;
    }

    private static WebSocketMessage binary(WebSocketSession session, byte[] frame) {
        return session.binaryMessage(factory -> factory.wrap(frame));
    }

    private static void closeStdin(OutputStream stdin, AtomicBoolean open) {
        if (open.compareAndSet(true, false)) {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // already closed by the process's end
            }
        }
    }

    private static void kill(Process process) {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
