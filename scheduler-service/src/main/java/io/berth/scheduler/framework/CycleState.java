package io.berth.scheduler.framework;

import java.util.HashMap;
import java.util.Map;

/**
 * What plugins compute once per scheduling cycle (in PreFilter or PreScore) and read for every node, as Kubernetes'
 * {@code framework.CycleState}. One per cycle, used by the cycle's thread only; preemption works on a
 * {@link #copy()}.
 */
public final class CycleState {

    /** A typed slot; one constant per plugin datum. */
    public static final class Key<T> {
        private final String name;

        public Key(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A datum that preemption may change for a trial (a victim removed): it copies itself. */
    public interface Copyable<T> {
        T copy();
    }

    private final Map<Key<?>, Object> data;

    public CycleState() {
        this.data = new HashMap<>();
    }

    private CycleState(Map<Key<?>, Object> data) {
        this.data = data;
    }

    public <T> void write(Key<T> key, T value) {
        data.put(key, value);
    }

    /** The datum, or null when its PreFilter/PreScore did not run (or skipped). */
    @SuppressWarnings("unchecked")
    public <T> T read(Key<T> key) {
        return (T) data.get(key);
    }

    /** A copy whose {@link Copyable} data are copies too. */
    public CycleState copy() {
        Map<Key<?>, Object> copied = new HashMap<>(data.size());
        data.forEach((k, v) -> copied.put(k, v instanceof Copyable<?> c ? c.copy() : v));
        return new CycleState(copied);
    }
}
