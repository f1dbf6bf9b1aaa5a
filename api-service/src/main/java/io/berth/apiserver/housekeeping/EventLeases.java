package io.berth.apiserver.housekeeping;

import io.berth.apiserver.storage.EtcdErrors;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lease;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * etcd leases for Events, so they expire after their TTL (1 h by default) without a sweeper. Like Kubernetes'
 * LeaseManager, one lease is reused for every Event written within a short window (a lease per Event would
 * flood etcd); its TTL covers the window, so each Event lives at least the TTL. Thread safe.
 */
public final class EventLeases {

    private final Lease leases;
    private final Clock clock;
    private final long ttlSeconds;
    private final long reuseSeconds;
    private CompletableFuture<Long> current;
    private long grantedAt;

    public EventLeases(Client client, Clock clock, Duration ttl) {
        this.leases = client.getLeaseClient();
        this.clock = clock;
        this.ttlSeconds = Math.max(1, ttl.toSeconds());
        this.reuseSeconds = Math.max(1, Math.min(60, ttlSeconds / 20));
    }

    /** A lease id whose remaining TTL is at least the configured TTL. */
    public synchronized CompletableFuture<Long> lease() {
        long now = clock.millis() / 1000;
        if (current == null || current.isCompletedExceptionally() || now - grantedAt >= reuseSeconds) {
            grantedAt = now;
            current = leases.grant(ttlSeconds + reuseSeconds)
                    .handle((resp, error) -> {
                        if (error != null) {
                            throw EtcdErrors.translate(error);
                        }
                        return resp.getID();
                    });
        }
        return current;
    }
}
