package io.berth.gateway.audit;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.publisher.Flux;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Passes a request's body through unchanged while copying its first {@code limit} bytes for the audit trail. Nothing
 * is buffered or held back: each buffer goes on as it arrives (so downstream size limits and streaming behave as
 * without the tee), only a copy of at most {@code limit} bytes is kept, and bytes beyond it are counted as truncation,
 * not copied. A new subscription to the body (a retry) starts the copy again. Thread safe.
 */
final class BodyTee extends ServerHttpRequestDecorator {

    private static final int INITIAL = 8 * 1024;

    private final int limit;
    private byte[] copy = new byte[0];
    private int size;
    private boolean truncated;

    BodyTee(ServerHttpRequest delegate, int limit) {
        super(delegate);
        this.limit = limit;
    }

    @Override
    public Flux<DataBuffer> getBody() {
        return Flux.defer(() -> {
            reset();
            return super.getBody().doOnNext(this::copy);
        });
    }

    private synchronized void reset() {
        size = 0;
        truncated = false;
    }

    private synchronized void copy(DataBuffer buffer) {
        int readable = buffer.readableByteCount();
        int n = Math.min(readable, limit - size);
        if (n > 0) {
            ensureCapacity(size + n);
            buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(copy), size, n);
            size += n;
        }
        if (readable > n) {
            truncated = true;
        }
    }

    private void ensureCapacity(int needed) {
        if (needed <= copy.length) {
            return;
        }
        long declared = getHeaders().getContentLength();
        int capacity = Math.max(needed, Math.min(limit, declared > 0 ? (int) Math.min(declared, limit) : INITIAL));
        capacity = Math.max(capacity, Math.min(limit, copy.length * 2));
        copy = Arrays.copyOf(copy, capacity);
    }

    /** What passed so far; null when no body byte did. */
    synchronized CapturedBody captured() {
        if (size == 0 && !truncated) {
            return null;
        }
        HttpHeaders headers = getHeaders();
        String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        String encoding = headers.getFirst(HttpHeaders.CONTENT_ENCODING);
        return new CapturedBody(Arrays.copyOf(copy, size), truncated, contentType, encoding);
    }
}
