package io.berth.controller.runtime;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Kubernetes' {@code UIDTrackingControllerExpectations}: what a controller is waiting to see in its cache after its
 * own writes, so a sync that runs before the informer caught up neither creates nor deletes twice. A controller
 * records how many creations it sent and which objects it deleted; the informer's add and delete events lower them;
 * until they are all observed (or {@code ttl} has passed: a lost event must not wedge the controller) the owner is
 * not {@link #satisfied}, and its sync only updates status. Keys are the owner's workqueue keys. Thread safe.
 */
public final class Expectations {

    private static final class Expected {
        int adds;
        final Set<String> deletes = new HashSet<>();
        long since;
    }

    private final Map<String, Expected> byOwner = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final LongSupplier nanoTime;

    public Expectations(Duration ttl, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Kubernetes' 5-minute expiry. */
    public static Expectations standard() {
        return new Expectations(Duration.ofMinutes(5), System::nanoTime);
    }

    /** Whether the owner's last writes have all been seen (or it has none, or they expired). */
    public boolean satisfied(String owner) {
        Expected e = byOwner.get(owner);
        if (e == null) {
            return true;
        }
        synchronized (e) {
            return e.adds <= 0 && e.deletes.isEmpty() || nanoTime.getAsLong() - e.since > ttlNanos;
        }
    }

    /** The owner is about to create {@code n} objects (replacing what it expected before). */
    public void expectCreations(String owner, int n) {
        Expected e = new Expected();
        e.adds = n;
        e.since = nanoTime.getAsLong();
        byOwner.put(owner, e);
    }

    /** The owner is about to delete the objects with these keys (replacing what it expected before). */
    public void expectDeletions(String owner, Set<String> keys) {
        Expected e = new Expected();
        e.deletes.addAll(keys);
        e.since = nanoTime.getAsLong();
        byOwner.put(owner, e);
    }

    /** An informer saw one of the owner's objects appear (or a creation failed and will never be seen). */
    public void creationObserved(String owner) {
        Expected e = byOwner.get(owner);
        if (e != null) {
            synchronized (e) {
                e.adds--;
            }
        }
    }

    /** An informer saw the object with {@code key} go (or its deletion failed and will never be seen). */
    public void deletionObserved(String owner, String key) {
        Expected e = byOwner.get(owner);
        if (e != null) {
            synchronized (e) {
                e.deletes.remove(key);
            }
        }
    }

    /** The owner is gone: forget what it waited for. */
    public void forget(String owner) {
        byOwner.remove(owner);
    }
}
