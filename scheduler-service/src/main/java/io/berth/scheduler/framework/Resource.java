package io.berth.scheduler.framework;

import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * An amount of the resources the scheduler counts, as Kubernetes' {@code framework.Resource}: millicores of cpu, bytes
 * of memory and ephemeral storage, and extended resources by name (whole units). Mutable, for sums; not thread safe.
 */
public final class Resource {

    public long milliCpu;
    public long memory;
    public long ephemeralStorage;
    /** Extended resources ({@code example.com/gpu}, hugepages...) by name. */
    public final Map<String, Long> scalar = new HashMap<>(2);

    public Resource() {
    }

    public Resource(long milliCpu, long memory) {
        this.milliCpu = milliCpu;
        this.memory = memory;
    }

    /** A resource list ({@code requests}, {@code allocatable}) as an amount; pods are not a resource here. */
    public static Resource of(Map<String, Quantity> list) {
        Resource r = new Resource();
        if (list != null) {
            list.forEach(r::set);
        }
        return r;
    }

    private void set(String name, Quantity q) {
        switch (name) {
            case "cpu" -> milliCpu = milli(q);
            case "memory" -> memory = value(q);
            case "ephemeral-storage" -> ephemeralStorage = value(q);
            case "pods" -> { }
            default -> scalar.put(name, value(q));
        }
    }

    public void add(Resource other) {
        milliCpu += other.milliCpu;
        memory += other.memory;
        ephemeralStorage += other.ephemeralStorage;
        other.scalar.forEach((k, v) -> scalar.merge(k, v, Long::sum));
    }

    public void subtract(Resource other) {
        milliCpu -= other.milliCpu;
        memory -= other.memory;
        ephemeralStorage -= other.ephemeralStorage;
        other.scalar.forEach((k, v) -> scalar.merge(k, -v, Long::sum));
    }

    /** Each resource the larger of this and {@code other}'s (the init-container rule). */
    public void max(Resource other) {
        milliCpu = Math.max(milliCpu, other.milliCpu);
        memory = Math.max(memory, other.memory);
        ephemeralStorage = Math.max(ephemeralStorage, other.ephemeralStorage);
        other.scalar.forEach((k, v) -> scalar.merge(k, v, Math::max));
    }

    public Resource copy() {
        Resource r = new Resource(milliCpu, memory);
        r.ephemeralStorage = ephemeralStorage;
        r.scalar.putAll(scalar);
        return r;
    }

    public long scalar(String name) {
        return scalar.getOrDefault(name, 0L);
    }

    static long milli(Quantity q) {
        return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).setScale(0, java.math.RoundingMode.CEILING)
                .longValueExact();
    }

    static long value(Quantity q) {
        return Quantity.getAmountInBytes(q).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    @Override
    public String toString() {
        return "cpu=" + milliCpu + "m memory=" + memory + " ephemeral-storage=" + ephemeralStorage
                + (scalar.isEmpty() ? "" : " " + scalar);
    }
}
