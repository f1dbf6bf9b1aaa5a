package io.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports on 127.0.0.1 for processes a test starts.
 *
 * <p>A port is free when asked for; another process may still take it before the caller binds it, so callers
 * that start servers should retry on "address already in use" (as {@link EtcdProcess} does). Within one JVM a
 * port is handed out at most once, because the kernel readily offers a just-closed port again and two test
 * classes would then race for it. Thread-safe.
 */
public final class FreePorts {

    private static final int MAX_ATTEMPTS = 200;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** One free port that this JVM has not handed out before. */
    public static int next() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int port = bindEphemeral();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 after " + MAX_ATTEMPTS + " attempts");
    }

    /** {@code count} distinct free ports. */
    public static int[] next(int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = next();
        }
        return ports;
    }

    private static int bindEphemeral() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a port on 127.0.0.1", e);
        }
    }
}
