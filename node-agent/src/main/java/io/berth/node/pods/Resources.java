package io.berth.node.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** Quantity arithmetic as Kubernetes does it ({@code resource.Quantity} rounds up) and the kubelet's cgroup values. */
final class Resources {

    /** The CFS period the kubelet uses. */
    static final long CPU_PERIOD_MICROS = 100_000;
    private static final long MIN_SHARES = 2;
    private static final long MAX_SHARES = 262_144;
    private static final long MIN_QUOTA_MICROS = 1_000;

    private Resources() {
    }

    /** {@code Quantity.MilliValue()}: thousandths, rounded up. */
    static long milliValue(Quantity q) {
        return amount(q).movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** {@code Quantity.Value()}: the amount in units (bytes for memory), rounded up. */
    static long value(Quantity q) {
        return amount(q).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** The container's {@code limits[name]}, or null. */
    static Quantity limit(Container container, String name) {
        return get(container.getResources(), name, true);
    }

    /** The container's {@code requests[name]}, or null. */
    static Quantity request(Container container, String name) {
        return get(container.getResources(), name, false);
    }

    /** The kubelet's {@code MilliCPUToShares}: 1024 per cpu, at least 2 (the kernel's minimum), at most 262144. */
    static long shares(long milliCpu) {
        if (milliCpu == 0) {
            return MIN_SHARES;
        }
        return Math.max(MIN_SHARES, Math.min(MAX_SHARES, milliCpu * 1024 / 1000));
    }

    /** The kubelet's {@code milliCPUToQuota}: 0 (no limit) for none, else at least 1 ms per period. */
    static long quota(long milliCpu, long periodMicros) {
        if (milliCpu == 0) {
            return 0;
        }
        return Math.max(MIN_QUOTA_MICROS, milliCpu * periodMicros / 1000);
    }

    private static Quantity get(ResourceRequirements resources, String name, boolean limits) {
        if (resources == null) {
            return null;
        }
        Map<String, Quantity> map = limits ? resources.getLimits() : resources.getRequests();
        return map == null ? null : map.get(name);
    }

    private static BigDecimal amount(Quantity q) {
        try {
            return Quantity.getAmountInBytes(q);
        } catch (RuntimeException e) {
            throw ContainerPlanFailure.config("invalid quantity \"" + q + "\": " + e.getMessage());
        }
    }
}
