package io.berth.controller.runtime;

import java.time.Duration;

/**
 * What a {@link Reconciler} asks of the runtime after a successful sync: nothing ({@link #done()}), or another sync
 * after a delay ({@link #requeueAfter}: a deadline to check, such as a Deployment's progress deadline).
 *
 * @param requeueAfter when to sync again; null for not until something changes
 */
public record Result(Duration requeueAfter) {

    private static final Result DONE = new Result(null);

    public static Result done() {
        return DONE;
    }

    public static Result requeueAfter(Duration delay) {
        return new Result(delay);
    }

    /** The earlier of two requeues (either may be none). */
    public Result orSooner(Result other) {
        if (other.requeueAfter == null) {
            return this;
        }
        if (requeueAfter == null || other.requeueAfter.compareTo(requeueAfter) < 0) {
            return other;
        }
        return this;
    }
}
