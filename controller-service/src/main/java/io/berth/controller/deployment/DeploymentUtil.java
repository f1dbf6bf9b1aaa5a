package io.berth.controller.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Kubernetes' {@code deployment/util} as pure functions: the rolling-update fenceposts, the pod-template-hash, the
 * revision annotations, and the replica counts summed over replica sets.
 */
final class DeploymentUtil {

    static final String HASH_LABEL = "pod-template-hash";
    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    /** Deployment annotations not copied to its replica sets (Kubernetes' {@code annotationsToSkip}). */
    private static final List<String> SKIPPED = List.of("kubectl.kubernetes.io/last-applied-configuration", REVISION,
            REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, "deprecated.deployment.rollback.to");
    private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private DeploymentUtil() {
    }

    static int replicas(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    static int replicas(ReplicaSet rs) {
        return rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
    }

    static int statusReplicas(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas();
    }

    static int available(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0
                : rs.getStatus().getAvailableReplicas();
    }

    static int ready(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null ? 0
                : rs.getStatus().getReadyReplicas();
    }

    static boolean recreate(Deployment d) {
        return d.getSpec().getStrategy() != null && "Recreate".equals(d.getSpec().getStrategy().getType());
    }

    /** {@code maxSurge} and {@code maxUnavailable} as numbers of pods (Kubernetes' {@code ResolveFenceposts}). */
    record Fenceposts(int maxSurge, int maxUnavailable) {
    }

    static Fenceposts fenceposts(Deployment d) {
        if (recreate(d)) {
            return new Fenceposts(0, 0);
        }
        var rolling = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
        int desired = replicas(d);
        int surge = scaled(rolling == null ? null : rolling.getMaxSurge(), desired, true);
        int unavailable = scaled(rolling == null ? null : rolling.getMaxUnavailable(), desired, false);
        if (surge == 0 && unavailable == 0) {
            // both zero would never make progress: Kubernetes allows one unavailable
            unavailable = 1;
        }
        return new Fenceposts(surge, unavailable);
    }

    /** An int-or-percent of {@code total}; percentages round up for surge and down for unavailability. */
    static int scaled(IntOrString value, int total, boolean roundUp) {
        if (value == null) {
            // the API's default: 25%
            value = new IntOrString("25%");
        }
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String s = value.getStrVal();
        if (s == null) {
            return 0;
        }
        if (!s.endsWith("%")) {
            return Integer.parseInt(s);
        }
        int percent = Integer.parseInt(s.substring(0, s.length() - 1));
        double exact = percent * (double) total / 100;
        return (int) (roundUp ? Math.ceil(exact) : Math.floor(exact));
    }

    /** Kubernetes' {@code MaxUnavailable}: 0 for Recreate or no replicas, else at most {@code replicas}. */
    static int maxUnavailable(Deployment d) {
        if (recreate(d) || replicas(d) == 0) {
            return 0;
        }
        return Math.min(fenceposts(d).maxUnavailable(), replicas(d));
    }

    static int maxSurge(Deployment d) {
        return recreate(d) ? 0 : fenceposts(d).maxSurge();
    }

    /**
     * The pod-template-hash: FNV-1a (32 bit) of the template and the collision count, written as Kubernetes'
     * {@code rand.SafeEncodeString} of its decimal form (no vowels, so no words).
     */
    static String templateHash(PodTemplateSpec template, Integer collisionCount, KubernetesSerialization json) {
        int hash = 0x811c9dc5;
        hash = fnv(hash, json.asJson(template).getBytes(StandardCharsets.UTF_8));
        if (collisionCount != null) {
            hash = fnv(hash, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(collisionCount).array());
        }
        String decimal = Long.toString(Integer.toUnsignedLong(hash));
        StringBuilder out = new StringBuilder();
        for (char c : decimal.toCharArray()) {
            out.append(SAFE_ALPHABET.charAt(c % SAFE_ALPHABET.length()));
        }
        return out.toString();
    }

    private static int fnv(int hash, byte[] bytes) {
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }

    /** Whether two templates are equal but for the pod-template-hash label (Kubernetes' {@code EqualIgnoreHash}). */
    static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
        return Objects.equals(withoutHash(a), withoutHash(b));
    }

    static PodTemplateSpec withoutHash(PodTemplateSpec t) {
        if (t == null) {
            return null;
        }
        PodTemplateSpec copy = new PodTemplateSpecBuilder(t).build();
        ObjectMeta meta = copy.getMetadata();
        if (meta != null && meta.getLabels() != null && meta.getLabels().containsKey(HASH_LABEL)) {
            Map<String, String> labels = new HashMap<>(meta.getLabels());
            labels.remove(HASH_LABEL);
            meta.setLabels(labels.isEmpty() ? null : labels);
        }
        if (meta != null && meta.getLabels() != null && meta.getLabels().isEmpty()) {
            meta.setLabels(null);
        }
        return copy;
    }

    static long revision(ReplicaSet rs) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        if (a == null || a.get(REVISION) == null) {
            return 0;
        }
        try {
            return Long.parseLong(a.get(REVISION));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static long maxRevision(List<ReplicaSet> sets) {
        return sets.stream().mapToLong(DeploymentUtil::revision).max().orElse(0);
    }

    /**
     * The annotations a deployment's replica set carries (Kubernetes' {@code SetNewReplicaSetAnnotations}): the
     * deployment's own (but the skipped ones), the revision (an older revision moved to the revision history), and,
     * for a set being created, the desired and maximum replicas. Returns the new map, or the same map when nothing
     * changed.
     */
    static Map<String, String> newSetAnnotations(Deployment d, Map<String, String> current, long newRevision,
                                                 boolean exists) {
        Map<String, String> next = new HashMap<>(current == null ? Map.of() : current);
        if (d.getMetadata().getAnnotations() != null) {
            d.getMetadata().getAnnotations().forEach((k, v) -> {
                if (!SKIPPED.contains(k)) {
                    next.put(k, v);
                }
            });
        }
        String old = next.get(REVISION);
        long oldRevision = 0;
        try {
            oldRevision = old == null ? 0 : Long.parseLong(old);
        } catch (NumberFormatException ignored) {
            // a malformed revision is replaced
        }
        if (oldRevision < newRevision) {
            next.put(REVISION, Long.toString(newRevision));
            if (old != null && exists) {
                String history = next.get(REVISION_HISTORY);
                next.put(REVISION_HISTORY, history == null || history.isEmpty() ? old : history + "," + old);
            }
        }
        if (!exists) {
            next.put(DESIRED_REPLICAS, Integer.toString(replicas(d)));
            next.put(MAX_REPLICAS, Integer.toString(replicas(d) + maxSurge(d)));
        }
        return next.equals(current == null ? Map.of() : current) ? current : next;
    }

    static int sumReplicas(List<ReplicaSet> sets) {
        return sets.stream().mapToInt(DeploymentUtil::replicas).sum();
    }

    static int sumAvailable(List<ReplicaSet> sets) {
        return sets.stream().mapToInt(DeploymentUtil::available).sum();
    }

    /** Oldest first (creation time, then name), as Kubernetes' {@code ReplicaSetsByCreationTimestamp}. */
    static final Comparator<ReplicaSet> OLDEST_FIRST = Comparator
            .comparing((ReplicaSet rs) -> rs.getMetadata().getCreationTimestamp(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(rs -> rs.getMetadata().getName());
}
