package io.berth.node.server;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A JDK WebSocket listener that keeps every binary message (reassembled) and the close code. */
final class WebSocketFrames implements WebSocket.Listener {

    final List<byte[]> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        partial.writeBytes(bytes);
        if (last) {
            messages.add(partial.toByteArray());
            partial.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    /** The concatenated data of every message on {@code stream} (without the stream byte). */
    String stream(int stream) {
        StringBuilder out = new StringBuilder();
        for (byte[] m : messages) {
            if (m.length > 0 && (m[0] & 0xff) == stream) {
                out.append(new String(m, 1, m.length - 1, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }

    static ByteBuffer frame(int stream, String data) {
        byte[] bytes = data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 1);
        buffer.put((byte) stream).put(bytes).flip();
        return buffer;
    }

    static ByteBuffer close(int stream) {
        return ByteBuffer.wrap(new byte[] {(byte) 255, (byte) stream});
    }
}
