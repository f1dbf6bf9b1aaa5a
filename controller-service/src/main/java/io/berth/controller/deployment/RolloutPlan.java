package io.berth.controller.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.berth.controller.deployment.DeploymentUtil.OLDEST_FIRST;
import static io.berth.controller.deployment.DeploymentUtil.available;
import static io.berth.controller.deployment.DeploymentUtil.replicas;

/**
 * The replica counts a deployment's rollout moves its replica sets to, as pure functions of the deployment and its
 * sets (Kubernetes' {@code rolling.go}, {@code recreate.go} and the proportional scaling of {@code sync.go}). Each
 * returns the sets to scale and their new sizes, in the order to apply them; an empty map means nothing to do.
 */
final class RolloutPlan {

    private RolloutPlan() {
    }

    /** The new set's size in a rolling update (Kubernetes' {@code NewRSNewReplicas}). */
    static int newSetReplicas(Deployment d, List<ReplicaSet> all, int newSetNow) {
        if (DeploymentUtil.recreate(d)) {
            return replicas(d);
        }
        int current = DeploymentUtil.sumReplicas(all);
        int maxTotal = replicas(d) + DeploymentUtil.maxSurge(d);
        if (current >= maxTotal) {
            return newSetNow;
        }
        int scaleUp = Math.min(maxTotal - current, replicas(d) - newSetNow);
        return newSetNow + Math.max(0, scaleUp);
    }

    /** Scaling the new set up (or down to the deployment's size): Kubernetes' {@code reconcileNewReplicaSet}. */
    static Map<ReplicaSet, Integer> reconcileNew(Deployment d, ReplicaSet newSet, List<ReplicaSet> all) {
        int now = replicas(newSet);
        int want = replicas(d);
        if (now == want) {
            return Map.of();
        }
        int next = now > want ? want : newSetReplicas(d, all, now);
        return next == now ? Map.of() : Map.of(newSet, next);
    }

    /**
     * Scaling old sets down without going below {@code replicas - maxUnavailable} available pods: first the old
     * sets' unavailable pods, then available ones, oldest set first (Kubernetes' {@code reconcileOldReplicaSets}).
     */
    static Map<ReplicaSet, Integer> reconcileOld(Deployment d, ReplicaSet newSet, List<ReplicaSet> old) {
        List<ReplicaSet> sorted = new ArrayList<>(old);
        sorted.sort(OLDEST_FIRST);
        int oldPods = DeploymentUtil.sumReplicas(sorted);
        if (oldPods == 0) {
            return Map.of();
        }
        List<ReplicaSet> all = new ArrayList<>(sorted);
        if (newSet != null) {
            all.add(newSet);
        }
        int allPods = DeploymentUtil.sumReplicas(all);
        int minAvailable = replicas(d) - DeploymentUtil.maxUnavailable(d);
        int newUnavailable = newSet == null ? 0 : replicas(newSet) - available(newSet);
        int maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return Map.of();
        }
        Map<ReplicaSet, Integer> sizes = new LinkedHashMap<>();
        // unhealthy replicas first: scaling them down costs no availability
        int cleaned = 0;
        for (ReplicaSet rs : sorted) {
            if (cleaned >= maxScaledDown) {
                break;
            }
            int size = replicas(rs);
            int unhealthy = size - available(rs);
            if (size == 0 || unhealthy <= 0) {
                continue;
            }
            int down = Math.min(maxScaledDown - cleaned, unhealthy);
            sizes.put(rs, size - down);
            cleaned += down;
        }
        int availableNow = DeploymentUtil.sumAvailable(all);
        if (availableNow > minAvailable) {
            int total = availableNow - minAvailable;
            int scaled = 0;
            for (ReplicaSet rs : sorted) {
                if (scaled >= total) {
                    break;
                }
                int size = sizes.getOrDefault(rs, replicas(rs));
                if (size == 0) {
                    continue;
                }
                int down = Math.min(size, total - scaled);
                sizes.put(rs, size - down);
                scaled += down;
            }
        }
        return sizes;
    }

    /**
     * A scaling event (the deployment's replicas changed while several sets are active): spreads the change over
     * the active sets in proportion to their sizes, the rest to the largest (Kubernetes' {@code scale}).
     */
    static Map<ReplicaSet, Integer> proportional(Deployment d, ReplicaSet newSet, List<ReplicaSet> old) {
        List<ReplicaSet> active = new ArrayList<>();
        if (newSet != null && replicas(newSet) > 0) {
            active.add(newSet);
        }
        old.stream().filter(rs -> replicas(rs) > 0).forEach(active::add);
        ReplicaSet only = active.size() == 1 ? active.get(0) : active.isEmpty() ? latest(newSet, old) : null;
        if (only != null || active.isEmpty()) {
            if (only == null || replicas(only) == replicas(d)) {
                return Map.of();
            }
            return Map.of(only, replicas(d));
        }
        if (saturated(d, newSet)) {
            Map<ReplicaSet, Integer> sizes = new LinkedHashMap<>();
            old.stream().filter(rs -> replicas(rs) > 0).forEach(rs -> sizes.put(rs, 0));
            return sizes;
        }
        if (DeploymentUtil.recreate(d)) {
            return Map.of();
        }
        int allowed = replicas(d) > 0 ? replicas(d) + DeploymentUtil.maxSurge(d) : 0;
        int toAdd = allowed - DeploymentUtil.sumReplicas(active);
        if (toAdd == 0) {
            return Map.of();
        }
        Comparator<ReplicaSet> bySize = Comparator.comparingInt((ReplicaSet rs) -> replicas(rs)).reversed();
        // growing favours the newer of equal sets, shrinking the older
        active.sort(toAdd > 0 ? bySize.thenComparing(OLDEST_FIRST.reversed()) : bySize.thenComparing(OLDEST_FIRST));
        Map<ReplicaSet, Integer> sizes = new LinkedHashMap<>();
        int added = 0;
        for (ReplicaSet rs : active) {
            int proportion = proportion(rs, d, toAdd, added);
            sizes.put(rs, replicas(rs) + proportion);
            added += proportion;
        }
        ReplicaSet first = active.get(0);
        sizes.put(first, Math.max(0, sizes.get(first) + toAdd - added));
        sizes.entrySet().removeIf(e -> e.getValue() == replicas(e.getKey()));
        return sizes;
    }

    private static int proportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
        if (replicas(rs) == 0 || toAdd == 0 || toAdd == added) {
            return 0;
        }
        int fraction = fraction(rs, d);
        int allowed = toAdd - added;
        return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    /** The set's share of the deployment's new size, from the size it was annotated with. */
    private static int fraction(ReplicaSet rs, Deployment d) {
        if (replicas(d) == 0) {
            return -replicas(rs);
        }
        int deploymentReplicas = replicas(d) + DeploymentUtil.maxSurge(d);
        Integer annotated = annotatedMax(rs);
        int base = annotated != null ? annotated
                : d.getStatus() == null || d.getStatus().getReplicas() == null ? 0 : d.getStatus().getReplicas();
        if (base == 0) {
            return 0;
        }
        double size = replicas(rs) * (double) deploymentReplicas / base;
        return (int) Math.round(size) - replicas(rs);
    }

    private static Integer annotatedMax(ReplicaSet rs) {
        var a = rs.getMetadata().getAnnotations();
        try {
            return a == null || a.get(DeploymentUtil.MAX_REPLICAS) == null ? null
                    : Integer.valueOf(a.get(DeploymentUtil.MAX_REPLICAS));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ReplicaSet latest(ReplicaSet newSet, List<ReplicaSet> old) {
        if (newSet != null) {
            return newSet;
        }
        return old.stream().max(OLDEST_FIRST).orElse(null);
    }

    /** The new set alone serves the deployment: full size and fully available (Kubernetes' {@code IsSaturated}). */
    static boolean saturated(Deployment d, ReplicaSet newSet) {
        if (newSet == null) {
            return false;
        }
        var a = newSet.getMetadata().getAnnotations();
        String desired = a == null ? null : a.get(DeploymentUtil.DESIRED_REPLICAS);
        return replicas(newSet) == replicas(d) && Integer.toString(replicas(d)).equals(desired)
                && available(newSet) == replicas(d);
    }

    /** Whether some active set was sized for another deployment size (Kubernetes' {@code isScalingEvent}). */
    static boolean scalingEvent(Deployment d, List<ReplicaSet> all) {
        for (ReplicaSet rs : all) {
            if (replicas(rs) == 0) {
                continue;
            }
            var a = rs.getMetadata().getAnnotations();
            String desired = a == null ? null : a.get(DeploymentUtil.DESIRED_REPLICAS);
            if (desired != null && !desired.equals(Integer.toString(replicas(d)))) {
                return true;
            }
        }
        return false;
    }

    /** Recreate: every old set to zero first. */
    static Map<ReplicaSet, Integer> recreateScaleDown(List<ReplicaSet> old) {
        Map<ReplicaSet, Integer> sizes = new LinkedHashMap<>();
        old.stream().filter(rs -> replicas(rs) > 0).sorted(OLDEST_FIRST).forEach(rs -> sizes.put(rs, 0));
        return sizes;
    }

    /**
     * The old sets beyond {@code revisionHistoryLimit} that may go: scaled to zero with no pods left, oldest
     * revision first (Kubernetes' {@code cleanupDeployment}).
     */
    static List<ReplicaSet> cleanup(Deployment d, List<ReplicaSet> old) {
        int limit = d.getSpec().getRevisionHistoryLimit() == null ? 10 : d.getSpec().getRevisionHistoryLimit();
        List<ReplicaSet> cleanable = new ArrayList<>(old.stream()
                .filter(rs -> rs.getMetadata().getDeletionTimestamp() == null).toList());
        int diff = cleanable.size() - limit;
        if (diff <= 0) {
            return List.of();
        }
        cleanable.sort(Comparator.comparingLong(DeploymentUtil::revision).thenComparing(OLDEST_FIRST));
        List<ReplicaSet> out = new ArrayList<>();
        // as Kubernetes, only the oldest `diff` are looked at: one still holding pods is skipped, not replaced
        for (ReplicaSet rs : cleanable.subList(0, diff)) {
            long observed = rs.getStatus() == null || rs.getStatus().getObservedGeneration() == null ? 0
                    : rs.getStatus().getObservedGeneration();
            long generation = rs.getMetadata().getGeneration() == null ? 0 : rs.getMetadata().getGeneration();
            if (DeploymentUtil.statusReplicas(rs) != 0 || replicas(rs) != 0 || generation > observed) {
                continue;
            }
            out.add(rs);
        }
        return out;
    }
}
