package io.berth.node.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kubelet's node admission: a pod is admitted only if its requests fit beside the pods already admitted, else it
 * fails with reason {@code OutOfcpu}, {@code OutOfmemory} or {@code OutOfpods} and Kubernetes' message. Pure.
 */
final class NodeAdmission {

    private NodeAdmission() {
    }

    /** A refusal: the pod's status reason and message. */
    record Rejection(String reason, String message) {
    }

    static Optional<Rejection> admit(Pod pod, Collection<Pod> admitted, Map<String, Quantity> allocatable) {
        long maxPods = allocatable.containsKey("pods") ? amount(allocatable.get("pods")).longValue() : 110;
        if (admitted.size() + 1 > maxPods) {
            return Optional.of(new Rejection("OutOfpods", "Pod was rejected: Node didn't have enough resource: pods,"
                    + " requested: 1, used: " + admitted.size() + ", capacity: " + maxPods));
        }
        for (String resource : List.of("cpu", "memory")) {
            Quantity capacity = allocatable.get(resource);
            if (capacity == null) {
                continue;
            }
            boolean cpu = resource.equals("cpu");
            long requested = request(pod, resource, cpu);
            if (requested == 0) {
                continue;
            }
            long used = 0;
            for (Pod p : admitted) {
                used += request(p, resource, cpu);
            }
            long cap = scaled(amount(capacity), cpu);
            if (used + requested > cap) {
                return Optional.of(new Rejection("OutOf" + resource, "Pod was rejected: Node didn't have enough"
                        + " resource: " + resource + ", requested: " + requested + ", used: " + used + ", capacity: "
                        + cap));
            }
        }
        return Optional.empty();
    }

    /**
     * A pod's effective request of {@code resource} (millicores for cpu, bytes for memory): the larger of the sum over
     * containers (plus sidecars) and the largest init container, as the scheduler computes it.
     */
    static long request(Pod pod, String resource, boolean cpu) {
        long sum = 0;
        long sidecars = 0;
        long initMax = 0;
        for (Container c : pod.getSpec().getContainers()) {
            sum += one(c, resource, cpu);
        }
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                long r = one(c, resource, cpu);
                if ("Always".equals(c.getRestartPolicy())) {
                    sidecars += r;
                } else {
                    initMax = Math.max(initMax, sidecars + r);
                }
            }
        }
        return Math.max(sum + sidecars, initMax);
    }

    private static long one(Container c, String resource, boolean cpu) {
        if (c.getResources() == null) {
            return 0;
        }
        Quantity q = c.getResources().getRequests() == null ? null : c.getResources().getRequests().get(resource);
        if (q == null && c.getResources().getLimits() != null) {
            q = c.getResources().getLimits().get(resource); // a limit alone is also the request
        }
        return q == null ? 0 : scaled(amount(q), cpu);
    }

    private static BigDecimal amount(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }

    private static long scaled(BigDecimal v, boolean cpu) {
        return cpu ? v.multiply(BigDecimal.valueOf(1000)).setScale(0, java.math.RoundingMode.CEILING).longValueExact()
                : v.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }
}
