package io.berth.node.simulate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link SpreadSchedule}: one fixed-rate timer per slot on a shared scheduler, calling {@link Member#due} for
 * each member of the slot with the time it was due.
 *
 * <p>Fixed rate, so one late run does not shift every later one. A run that starts a whole period or more late (the
 * machine stalled) is dropped and reported through {@link Member#missed}: the executor would otherwise run the
 * missed periods back to back, a burst that makes everything after it late too.
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} to cancel the timers. Thread safe; a slot's runs never overlap.
 */
final class SpreadTicker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpreadTicker.class);

    /** What runs for each member; called on a scheduler thread, so it must hand slow work off, never block long. */
    interface Member {
        /** Member {@code i} is due; {@code dueNanos} is on {@link System#nanoTime()}'s scale. */
        void due(int member, long dueNanos);

        /** Member {@code i}'s run for {@code dueNanos} was dropped because its slot ran a whole period late. */
        void missed(int member, long dueNanos);
    }

    private final String name;
    private final SpreadSchedule schedule;
    private final Member member;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    SpreadTicker(String name, SpreadSchedule schedule, Member member) {
        this.name = name;
        this.schedule = schedule;
        this.member = member;
    }

    /** Starts the timers: slot {@code k} first runs at {@code startNanos + slotOffset(k)}. */
    synchronized void start(ScheduledExecutorService scheduler, long startNanos) {
        if (!timers.isEmpty()) {
            throw new IllegalStateException(name + " already started");
        }
        long now = System.nanoTime();
        for (int slot = 0; slot < schedule.slots(); slot++) {
            Slot s = new Slot(slot, startNanos + schedule.slotOffsetNanos(slot));
            timers.add(scheduler.scheduleAtFixedRate(s, Math.max(0, s.nextDue - now), schedule.periodNanos(),
                    TimeUnit.NANOSECONDS));
        }
    }

    @Override
    public synchronized void close() {
        timers.forEach(t -> t.cancel(false));
        timers.clear();
    }

    /** One slot's timer; the executor never runs one periodic task concurrently with itself. */
    private final class Slot implements Runnable {
        private final int slot;
        private long nextDue;

        Slot(int slot, long firstDue) {
            this.slot = slot;
            this.nextDue = firstDue;
        }

        @Override
        public void run() {
            long due = nextDue;
            nextDue += schedule.periodNanos();
            boolean stale = System.nanoTime() - due >= schedule.periodNanos();
            for (int i = schedule.firstMember(slot); i < schedule.endMember(slot); i++) {
                try {
                    if (stale) {
                        member.missed(i, due);
                    } else {
                        member.due(i, due);
                    }
                } catch (RuntimeException e) {
                    // an exception would cancel this slot's timer for good: log it and go on with the next member
                    log.warn("{}: member {} failed", name, i, e);
                }
            }
        }
    }
}
