package io.berth.node.status;

import io.fabric8.kubernetes.api.model.Taint;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Taints written as {@code kubectl taint} and the kubelet's {@code --register-with-taints} do: {@code key[=value]:Effect}. */
public final class Taints {

    private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private Taints() {
    }

    /** Parses every entry; a malformed one is an {@link IllegalArgumentException} naming it. */
    public static List<Taint> parse(List<String> specs) {
        List<Taint> taints = new ArrayList<>();
        for (String spec : specs) {
            taints.add(parse(spec));
        }
        return taints;
    }

    public static Taint parse(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || !EFFECTS.contains(spec.substring(colon + 1))) {
            throw new IllegalArgumentException("invalid taint \"" + spec + "\": expected key[=value]:Effect with"
                    + " Effect one of NoSchedule, PreferNoSchedule, NoExecute");
        }
        String kv = spec.substring(0, colon);
        int eq = kv.indexOf('=');
        String key = eq < 0 ? kv : kv.substring(0, eq);
        String value = eq < 0 ? null : kv.substring(eq + 1);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("invalid taint \"" + spec + "\": the key is empty");
        }
        return new Taint(spec.substring(colon + 1), key, null, value);
    }
}
