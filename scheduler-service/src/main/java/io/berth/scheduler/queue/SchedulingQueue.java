package io.berth.scheduler.queue;

import io.berth.scheduler.framework.ClusterEvent;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pending pods (Kubernetes' {@code PriorityQueue}): an active queue ordered by priority, then by when each pod
 * entered the queue; a back-off queue of pods that failed recently ({@code initialBackoff} doubling up to
 * {@code maxBackoff} per attempt); and the unschedulable pods, which wait for a cluster event that one of the plugins
 * that rejected them registered ({@link #onEvent}), so node status churn never wakes them. A pod that waited
 * {@code maxUnschedulable} without such an event is retried all the same.
 *
 * <p>If an event arrives while a pod is being scheduled and that pod then turns out unschedulable, it goes to the
 * back-off queue rather than waiting for another event (the event may have been the one that makes it fit). Thread
 * safe; {@link #pop()} blocks the scheduling thread until a pod is due or the queue is closed.
 */
public final class SchedulingQueue implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SchedulingQueue.class);

    private enum Where { ACTIVE, BACKOFF, UNSCHEDULABLE, IN_FLIGHT }

    private static final Comparator<QueuedPod> BY_PRIORITY = Comparator
            .comparingInt(QueuedPod::priority).reversed()
            .thenComparing(q -> q.timestamp)
            .thenComparingLong(q -> q.sequence);
    private static final Comparator<QueuedPod> BY_EXPIRY = Comparator
            .comparing((QueuedPod q) -> q.backoffExpiry)
            .thenComparingLong(q -> q.sequence);

    private final Clock clock;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxUnschedulable;
    private final Map<String, Set<ClusterEvent>> pluginEvents;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition due = lock.newCondition();
    private final PriorityQueue<QueuedPod> active = new PriorityQueue<>(BY_PRIORITY);
    private final PriorityQueue<QueuedPod> backoff = new PriorityQueue<>(BY_EXPIRY);
    private final Map<String, QueuedPod> unschedulable = new HashMap<>();
    private final Map<String, QueuedPod> byUid = new HashMap<>();
    private final Map<String, Where> where = new HashMap<>();
    private final Nominator nominator = new Nominator();
    private long sequence;
    private long cycle;
    private long moveRequestCycle = -1;
    private boolean closed;
    private Instant lastUnschedulableFlush = Instant.EPOCH;

    /**
     * @param pluginEvents each plugin's name with the events that may make a pod it rejected fit
     */
    public SchedulingQueue(Clock clock, Duration initialBackoff, Duration maxBackoff, Duration maxUnschedulable,
                           Map<String, Set<ClusterEvent>> pluginEvents) {
        this.clock = clock;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxUnschedulable = maxUnschedulable;
        this.pluginEvents = Map.copyOf(pluginEvents);
    }

    /** The pending pods nominated to nodes by preemption. */
    public Nominator nominator() {
        return nominator;
    }

    /** A pending pod appeared (or changed): queued unless it is already. */
    public void add(Pod pod) {
        nominator.seen(pod);
        lock.lock();
        try {
            String uid = pod.getMetadata().getUid();
            QueuedPod known = byUid.get(uid);
            if (known != null) {
                update(known, pod);
                return;
            }
            QueuedPod q = new QueuedPod(pod, clock.instant(), sequence++);
            byUid.put(uid, q);
            toActive(q);
        } finally {
            lock.unlock();
        }
    }

    /** The pending pod changed: its newest version is scheduled; an unschedulable one whose spec changed is retried. */
    public void update(Pod pod) {
        add(pod);
    }

    private void update(QueuedPod q, Pod pod) {
        Pod before = q.pod;
        q.pod = pod;
        Where w = where.get(q.uid());
        if (w == Where.ACTIVE && !Objects.equals(before.getSpec().getPriority(), pod.getSpec().getPriority())) {
            active.remove(q);
            active.add(q);
        }
        if (w == Where.UNSCHEDULABLE && changedForScheduling(before, pod)) {
            unschedulable.remove(q.uid());
            toBackoffOrActive(q);
        }
    }

    /** The pod is gone, or bound, or no longer this scheduler's. */
    public void delete(String uid) {
        nominator.remove(uid);
        lock.lock();
        try {
            QueuedPod q = byUid.remove(uid);
            if (q == null) {
                return;
            }
            Where w = where.remove(uid);
            if (w == Where.ACTIVE) {
                active.remove(q);
            } else if (w == Where.BACKOFF) {
                backoff.remove(q);
            } else if (w == Where.UNSCHEDULABLE) {
                unschedulable.remove(uid);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next pod to schedule, highest priority first, once one is due; null after {@link #close()}. The pod stays
     * in flight until {@link #done}, {@link #unschedulable} or {@link #retry}.
     */
    public QueuedPod pop() throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                Instant now = clock.instant();
                flushBackoff(now);
                flushUnschedulable(now);
                QueuedPod q = active.poll();
                if (q != null) {
                    where.put(q.uid(), Where.IN_FLIGHT);
                    q.attempts++;
                    if (q.initialAttempt == null) {
                        q.initialAttempt = now;
                    }
                    q.cycle = ++cycle;
                    return q;
                }
                long waitMs = 1000;
                QueuedPod next = backoff.peek();
                if (next != null) {
                    waitMs = Math.max(1, Math.min(waitMs, Duration.between(now, next.backoffExpiry).toMillis()));
                }
                due.await(waitMs, TimeUnit.MILLISECONDS);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** The pod was scheduled (its binding is under way): it leaves the queue. */
    public void done(QueuedPod q) {
        lock.lock();
        try {
            if (where.get(q.uid()) == Where.IN_FLIGHT) {
                where.remove(q.uid());
                byUid.remove(q.uid());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * No node fits the pod: it waits for an event one of {@code rejectors} registered, or, when an event came while
     * it was being scheduled, for its back-off.
     */
    public void unschedulable(QueuedPod q, Set<String> rejectors) {
        lock.lock();
        try {
            if (where.get(q.uid()) != Where.IN_FLIGHT) {
                return; // deleted meanwhile
            }
            q.rejectors = Set.copyOf(rejectors);
            q.backoffExpiry = clock.instant().plus(backoff(q.attempts));
            if (moveRequestCycle >= q.cycle) {
                toBackoffOrActive(q);
            } else {
                q.unschedulableSince = clock.instant();
                where.put(q.uid(), Where.UNSCHEDULABLE);
                unschedulable.put(q.uid(), q);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Scheduling failed for another reason (an error, a failed binding): the pod is retried after its back-off. */
    public void retry(QueuedPod q) {
        lock.lock();
        try {
            if (where.get(q.uid()) != Where.IN_FLIGHT && byUid.containsKey(q.uid())) {
                return;
            }
            byUid.put(q.uid(), q);
            q.rejectors = Set.of();
            q.backoffExpiry = clock.instant().plus(backoff(q.attempts));
            toBackoffOrActive(q);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A cluster event happened: the unschedulable pods that a plugin interested in it rejected move to the back-off
     * queue (or straight to the active one when their back-off is over).
     */
    public void onEvent(ClusterEvent event) {
        lock.lock();
        try {
            moveRequestCycle = cycle;
            if (unschedulable.isEmpty()) {
                return;
            }
            List<QueuedPod> moving = new ArrayList<>();
            for (QueuedPod q : unschedulable.values()) {
                if (wakes(q, event)) {
                    moving.add(q);
                }
            }
            for (QueuedPod q : moving) {
                unschedulable.remove(q.uid());
                toBackoffOrActive(q);
            }
            if (!moving.isEmpty() && log.isDebugEnabled()) {
                log.debug("{} moved {} unschedulable pod(s) to the back-off or active queue", event, moving.size());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Pods waiting: active, backing off, unschedulable (the {@code scheduler_pending_pods} gauge's queues). */
    public record Pending(int active, int backoff, int unschedulable) {
    }

    public Pending pending() {
        lock.lock();
        try {
            return new Pending(active.size(), backoff.size(), unschedulable.size());
        } finally {
            lock.unlock();
        }
    }

    /** Whether the pod with {@code uid} is in the queue (any part of it, or being scheduled). */
    public boolean contains(String uid) {
        lock.lock();
        try {
            return byUid.containsKey(uid);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            due.signalAll();
        } finally {
            lock.unlock();
        }
    }

    Duration backoff(int attempts) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempts && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private boolean wakes(QueuedPod q, ClusterEvent event) {
        if (q.rejectors.isEmpty()) {
            return true;
        }
        for (String plugin : q.rejectors) {
            Set<ClusterEvent> events = pluginEvents.get(plugin);
            if (events != null && events.contains(event)) {
                return true;
            }
        }
        return false;
    }

    private void toActive(QueuedPod q) {
        where.put(q.uid(), Where.ACTIVE);
        active.add(q);
        due.signalAll();
    }

    private void toBackoffOrActive(QueuedPod q) {
        if (q.backoffExpiry != null && clock.instant().isBefore(q.backoffExpiry)) {
            where.put(q.uid(), Where.BACKOFF);
            backoff.add(q);
            due.signalAll();
        } else {
            toActive(q);
        }
    }

    private void flushBackoff(Instant now) {
        for (QueuedPod q = backoff.peek(); q != null && !now.isBefore(q.backoffExpiry); q = backoff.peek()) {
            backoff.poll();
            toActive(q);
        }
    }

    private void flushUnschedulable(Instant now) {
        if (unschedulable.isEmpty() || now.isBefore(lastUnschedulableFlush.plusSeconds(1))) {
            return;
        }
        lastUnschedulableFlush = now;
        Instant limit = now.minus(maxUnschedulable);
        for (Iterator<QueuedPod> it = unschedulable.values().iterator(); it.hasNext(); ) {
            QueuedPod q = it.next();
            if (q.unschedulableSince.isBefore(limit)) {
                it.remove();
                toBackoffOrActive(q);
            }
        }
    }

    /** A change a scheduler cares about: spec (other than what the API server sets), labels. */
    private static boolean changedForScheduling(Pod before, Pod after) {
        return !Objects.equals(before.getSpec(), after.getSpec())
                || !Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels());
    }
}
