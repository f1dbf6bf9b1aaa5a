package io.berth.node.status;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Node taints written as {@code kubectl taint} and the kubelet's {@code --register-with-taints} write them:
 * {@code key[=value]:Effect}, the effect one of {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute}.
 * The format of {@code berth.node.taints} as well as {@code berth.node.simulate.taints}. Stateless.
 */
public final class Taints {

    private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private Taints() {
    }

    /**
     * The taints, in order; duplicates (same key and effect) are an error, as the API server would reject them.
     *
     * @throws IllegalArgumentException naming the first entry that is not {@code key[=value]:Effect}
     */
    public static List<Taint> parse(List<String> specs) {
        List<Taint> taints = new ArrayList<>();
        for (String spec : specs) {
            Taint taint = parse(spec);
            for (Taint other : taints) {
                if (other.getKey().equals(taint.getKey()) && other.getEffect().equals(taint.getEffect())) {
                    throw new IllegalArgumentException("taint \"" + spec + "\": key " + taint.getKey()
                            + " with effect " + taint.getEffect() + " is given twice");
                }
            }
            taints.add(taint);
        }
        return List.copyOf(taints);
    }

    /** One taint; see {@link #parse(List)}. */
    public static Taint parse(String spec) {
        String s = spec == null ? "" : spec.strip();
        // the effect follows the last colon: keys and values never contain one, so this cannot split them
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw invalid(spec, "no effect (key[=value]:Effect)");
        }
        String effect = s.substring(colon + 1);
        if (!EFFECTS.contains(effect)) {
            throw invalid(spec, "the effect must be NoSchedule, PreferNoSchedule or NoExecute");
        }
        String keyValue = s.substring(0, colon);
        int eq = keyValue.indexOf('=');
        String key = eq < 0 ? keyValue : keyValue.substring(0, eq);
        String value = eq < 0 ? null : keyValue.substring(eq + 1);
        if (key.isEmpty()) {
            throw invalid(spec, "no key");
        }
        if (!key.matches("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
            throw invalid(spec, "the key must be a qualified name ([prefix/]name)");
        }
        if (value != null && !value.isEmpty() && !value.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
            throw invalid(spec, "the value must be a label value");
        }
        return new TaintBuilder().withKey(key).withValue(value == null || value.isEmpty() ? null : value)
                .withEffect(effect).build();
    }

    private static IllegalArgumentException invalid(String spec, String why) {
        return new IllegalArgumentException("taint \"" + spec + "\": " + why);
    }
}
