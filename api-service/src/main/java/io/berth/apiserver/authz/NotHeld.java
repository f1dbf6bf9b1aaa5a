package io.berth.apiserver.authz;

import io.berth.apimachinery.auth.UserInfo;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The wording of Kubernetes' escalation refusal ({@code ConfirmNoEscalation}), byte for byte, so scripts that match
 * on it keep working:
 * <pre>
 * user "alice" (groups=["tenants" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:
 * {APIGroups:[""], Resources:["pods"], Verbs:["create" "delete"]}
 * {APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}
 * </pre>
 * The missing rules are compacted first ({@code CompactRules}: rules for one group and resource that differ only in
 * their verbs become one), then printed one per line, sorted and without duplicates. Stateless.
 */
public final class NotHeld {

    private NotHeld() {
    }

    public static String message(UserInfo user, List<PolicyRule> missing) {
        TreeSet<String> lines = new TreeSet<>();
        for (PolicyRule rule : compact(missing)) {
            lines.add(compactString(rule));
        }
        return "user " + quote(user.name()) + " (groups=" + quote(user.groups())
                + ") is attempting to grant RBAC permissions not currently held:\n" + String.join("\n", lines);
    }

    /** Kubernetes' {@code CompactRules}: simple rules (one group, one resource, only verbs) merged by resource. */
    static List<PolicyRule> compact(List<PolicyRule> rules) {
        List<PolicyRule> compacted = new ArrayList<>();
        Map<String, PolicyRule> simple = new LinkedHashMap<>();
        for (PolicyRule rule : rules) {
            if (!isSimple(rule)) {
                compacted.add(rule);
                continue;
            }
            String key = rule.getApiGroups().get(0) + "\u0000" + rule.getResources().get(0);
            PolicyRule merged = simple.get(key);
            if (merged == null) {
                merged = new PolicyRule();
                merged.setApiGroups(List.copyOf(rule.getApiGroups()));
                merged.setResources(List.copyOf(rule.getResources()));
                merged.setVerbs(new ArrayList<>(list(rule.getVerbs())));
                simple.put(key, merged);
            } else {
                merged.getVerbs().addAll(list(rule.getVerbs()));
            }
        }
        compacted.addAll(simple.values());
        return compacted;
    }

    private static boolean isSimple(PolicyRule rule) {
        return list(rule.getResourceNames()).isEmpty() && list(rule.getNonResourceURLs()).isEmpty()
                && list(rule.getApiGroups()).size() == 1 && list(rule.getResources()).size() == 1;
    }

    /** Kubernetes' {@code CompactString}: only the fields that are set. */
    static String compactString(PolicyRule rule) {
        List<String> parts = new ArrayList<>();
        add(parts, "APIGroups", rule.getApiGroups());
        add(parts, "Resources", rule.getResources());
        add(parts, "NonResourceURLs", rule.getNonResourceURLs());
        add(parts, "ResourceNames", rule.getResourceNames());
        add(parts, "Verbs", rule.getVerbs());
        return "{" + String.join(", ", parts) + "}";
    }

    private static void add(List<String> parts, String name, List<String> values) {
        if (values != null && !values.isEmpty()) {
            parts.add(name + ":" + quote(values));
        }
    }

    /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
    static String quote(List<String> values) {
        List<String> quoted = new ArrayList<>(values.size());
        for (String v : values) {
            quoted.add(quote(v));
        }
        return "[" + String.join(" ", quoted) + "]";
    }

    /** Go's {@code %q} of a string: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static List<String> list(List<String> values) {
        return values == null ? List.of() : values;
    }
}
