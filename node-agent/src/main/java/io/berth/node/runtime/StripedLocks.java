package io.berth.node.runtime;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A fixed set of locks picked by key hash: serializes work on one pod or container without a lock object per id
 * (ids are never reused, so a map of locks would only grow). Two keys may share a lock; that only costs waiting.
 * Thread safe.
 */
final class StripedLocks {

    private final ReentrantLock[] stripes = new ReentrantLock[64];

    StripedLocks() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    <T> T locked(String key, Supplier<T> action) {
        ReentrantLock lock = stripes[Math.floorMod(key.hashCode(), stripes.length)];
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
