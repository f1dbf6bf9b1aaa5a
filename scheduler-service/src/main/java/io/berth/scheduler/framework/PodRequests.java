package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.List;
import java.util.Map;

/**
 * What a pod asks of a node, as Kubernetes' {@code resource.PodRequests}: the sum of its containers' requests and of
 * its sidecars' (init containers with {@code restartPolicy: Always}, which keep running), or, if larger, what an init
 * container needs while it runs (its request plus the sidecars started before it); plus the pod's overhead.
 */
public final class PodRequests {

    /** The cpu the scorers count for a container that requests none (Kubernetes' DefaultMilliCPURequest). */
    public static final long DEFAULT_MILLI_CPU = 100;
    /** The memory the scorers count for a container that requests none (DefaultMemoryRequest, 200 MiB). */
    public static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    private PodRequests() {
    }

    /** The pod's requests. */
    public static Resource of(Pod pod) {
        return compute(pod, false);
    }

    /**
     * The pod's requests with a container's missing cpu or memory request counted as the defaults above, which the
     * scoring plugins use so that pods without requests still spread.
     */
    public static Resource nonZero(Pod pod) {
        return compute(pod, true);
    }

    private static Resource compute(Pod pod, boolean nonZero) {
        Resource sum = new Resource();
        for (Container c : orEmpty(pod.getSpec().getContainers())) {
            sum.add(container(c, nonZero));
        }
        Resource sidecars = new Resource();
        Resource initMax = new Resource();
        for (Container c : orEmpty(pod.getSpec().getInitContainers())) {
            Resource r = container(c, nonZero);
            if ("Always".equals(c.getRestartPolicy())) {
                sidecars.add(r);
                sum.add(r);
                Resource whileStarting = sidecars.copy();
                initMax.max(whileStarting);
            } else {
                Resource whileRunning = sidecars.copy();
                whileRunning.add(r);
                initMax.max(whileRunning);
            }
        }
        sum.max(initMax);
        Map<String, Quantity> overhead = pod.getSpec().getOverhead();
        if (overhead != null) {
            sum.add(Resource.of(overhead));
        }
        return sum;
    }

    private static Resource container(Container c, boolean nonZero) {
        Map<String, Quantity> requests = c.getResources() == null ? null : c.getResources().getRequests();
        Resource r = Resource.of(requests);
        if (nonZero) {
            if (requests == null || !requests.containsKey("cpu")) {
                r.milliCpu = DEFAULT_MILLI_CPU;
            }
            if (requests == null || !requests.containsKey("memory")) {
                r.memory = DEFAULT_MEMORY;
            }
        }
        return r;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
