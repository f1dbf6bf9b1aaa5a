package io.berth.controller.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' {@code TriggerTimeTracker}: the value of the {@value PodEndpoints#LAST_CHANGE_TRIGGER_TIME} annotation
 * for a sync, the earliest change since the previous sync of the same Service that it reflects: a pod's Ready
 * transition, or the Service's creation (the first sync of a Service). Approximate, as Kubernetes' is: two changes of
 * one pod between two syncs count as the later one.
 *
 * <p>Thread safe for different Services; never called concurrently for one (the workqueue's guarantee).
 */
public final class TriggerTimeTracker {

    private record State(Instant serviceTime, Map<String, Instant> podTimes) {
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /**
     * Records what {@code pods} (the Service's selected pods) and {@code service} look like now and returns the
     * earliest trigger time that changed since the previous call for this Service, or null for none.
     */
    public Instant compute(String key, Service service, List<Pod> pods) {
        State before = states.get(key);
        Map<String, Instant> podTimes = new HashMap<>();
        Instant min = null;
        for (Pod pod : pods) {
            Instant t = podTriggerTime(pod);
            if (t == null) {
                continue;
            }
            podTimes.put(pod.getMetadata().getName(), t);
            Instant last = before == null ? null : before.podTimes.get(pod.getMetadata().getName());
            if (last == null || t.isAfter(last)) {
                min = min == null || t.isBefore(min) ? t : min;
            }
        }
        Instant serviceTime = parse(service.getMetadata().getCreationTimestamp());
        if (serviceTime != null && (before == null || before.serviceTime == null
                || serviceTime.isAfter(before.serviceTime))) {
            min = min == null || serviceTime.isBefore(min) ? serviceTime : min;
        }
        states.put(key, new State(serviceTime, podTimes));
        if (before == null) {
            // a Service this tracker has not seen: its creation
            return serviceTime;
        }
        return min;
    }

    public void delete(String key) {
        states.remove(key);
    }

    private static Instant podTriggerTime(Pod pod) {
        PodCondition ready = PodEndpoints.readyCondition(pod);
        return ready == null ? null : parse(ready.getLastTransitionTime());
    }

    static Instant parse(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
