package io.berth.apimachinery.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

import java.util.ArrayList;
import java.util.List;

/**
 * Policy rule evaluation with Kubernetes' semantics ({@code rbac/v1/evaluation_helpers.go} and
 * {@code validation/policy_comparator.go}). Stateless and thread safe; rules are only read.
 *
 * <p>Matching, exactly as Kubernetes matches:
 * <ul>
 *   <li>verbs and apiGroups: an exact entry or {@code *};</li>
 *   <li>resources: {@code *} (every resource and subresource), an exact {@code pods} or {@code pods/status}
 *       ({@code pods} does not cover {@code pods/status}), or {@code *}{@code /status} (any resource's status).
 *       Nothing else is a pattern: {@code pods/*} only matches a subresource named "*";</li>
 *   <li>resourceNames: an empty list matches every name; otherwise the request's name must be listed, so a rule
 *       with names never matches a request without one (list, watch, deletecollection, most creates);</li>
 *   <li>nonResourceURLs: {@code *}, an exact path, or a prefix ending in {@code *} ({@code /healthz/*} matches
 *       {@code /healthz/etcd} but not {@code /healthz}).</li>
 * </ul>
 */
public final class Rules {

    private Rules() {
    }

    /** Kubernetes' {@code RuleAllows}. Allocation free: it runs for every rule of every request. */
    public static boolean allows(PolicyRule rule, Attributes a) {
        if (!contains(rule.getVerbs(), a.verb(), "*")) {
            return false;
        }
        if (!a.resourceRequest()) {
            return nonResourceUrlMatches(rule.getNonResourceURLs(), a.path());
        }
        return contains(rule.getApiGroups(), a.apiGroup(), "*")
                && resourceMatches(rule.getResources(), a.resource(), a.subresource())
                && resourceNameMatches(rule.getResourceNames(), a.name());
    }

    private static boolean contains(List<String> values, String wanted, String wildcard) {
        if (values == null) {
            return false;
        }
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (wanted.equals(v) || wildcard.equals(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean resourceMatches(List<String> ruleResources, String resource, String subresource) {
        if (ruleResources == null) {
            return false;
        }
        for (int i = 0; i < ruleResources.size(); i++) {
            String r = ruleResources.get(i);
            if (r == null) {
                continue;
            }
            if (r.equals("*")) {
                return true;
            }
            if (subresource.isEmpty()) {
                if (r.equals(resource)) {
                    return true;
                }
                continue;
            }
            // "resource/subresource" without building the combined string
            if (r.length() == resource.length() + 1 + subresource.length()
                    && r.startsWith(resource) && r.charAt(resource.length()) == '/' && r.endsWith(subresource)) {
                return true;
            }
            if (r.length() == subresource.length() + 2 && r.startsWith("*/") && r.endsWith(subresource)) {
                return true;
            }
        }
        return false;
    }

    private static boolean resourceNameMatches(List<String> names, String name) {
        if (names == null || names.isEmpty()) {
            return true;
        }
        for (int i = 0; i < names.size(); i++) {
            if (name.equals(names.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean nonResourceUrlMatches(List<String> urls, String path) {
        if (urls == null) {
            return false;
        }
        for (int i = 0; i < urls.size(); i++) {
            if (urlCovers(urls.get(i), path)) {
                return true;
            }
        }
        return false;
    }

    // Go's strings.TrimRight(url, "*") strips every trailing star, so "/a**" is the prefix "/a"
    private static boolean urlCovers(String url, String path) {
        if (url == null) {
            return false;
        }
        if (url.equals("*") || url.equals(path)) {
            return true;
        }
        if (!url.endsWith("*")) {
            return false;
        }
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '*') {
            end--;
        }
        return path.regionMatches(0, url, 0, end);
    }

    /**
     * Kubernetes' escalation check ({@code validation.Covers}): the requested rules, broken down into atomic rules
     * (one group, resource, verb and name, or one URL and verb), that no single owner rule covers. Empty means the
     * owner holds every permission requested, which is what creating or updating a role or binding requires
     * (unless the user may {@code escalate} or {@code bind}).
     */
    public static List<PolicyRule> uncovered(List<PolicyRule> ownerRules, List<PolicyRule> requestedRules) {
        List<PolicyRule> missing = new ArrayList<>();
        for (PolicyRule requested : requestedRules) {
            for (PolicyRule atomic : breakdown(requested)) {
                if (!coveredByAny(ownerRules, atomic)) {
                    missing.add(atomic);
                }
            }
        }
        return missing;
    }

    private static boolean coveredByAny(List<PolicyRule> ownerRules, PolicyRule atomic) {
        for (PolicyRule owner : ownerRules) {
            if (covers(owner, atomic)) {
                return true;
            }
        }
        return false;
    }

    /** Kubernetes' {@code BreakdownRule}: one rule per group × resource × verb (× name), then per URL × verb. */
    static List<PolicyRule> breakdown(PolicyRule rule) {
        List<PolicyRule> atomic = new ArrayList<>();
        List<String> names = list(rule.getResourceNames());
        for (String group : list(rule.getApiGroups())) {
            for (String resource : list(rule.getResources())) {
                for (String verb : list(rule.getVerbs())) {
                    if (names.isEmpty()) {
                        atomic.add(rule(List.of(group), List.of(resource), List.of(verb), List.of(), List.of()));
                    }
                    for (String name : names) {
                        atomic.add(rule(List.of(group), List.of(resource), List.of(verb), List.of(name), List.of()));
                    }
                }
            }
        }
        for (String url : list(rule.getNonResourceURLs())) {
            for (String verb : list(rule.getVerbs())) {
                atomic.add(rule(List.of(), List.of(), List.of(verb), List.of(), List.of(url)));
            }
        }
        return atomic;
    }

    private static PolicyRule rule(List<String> groups, List<String> resources, List<String> verbs,
                                   List<String> names, List<String> urls) {
        PolicyRule r = new PolicyRule();
        r.setApiGroups(new ArrayList<>(groups));
        r.setResources(new ArrayList<>(resources));
        r.setVerbs(new ArrayList<>(verbs));
        r.setResourceNames(new ArrayList<>(names));
        r.setNonResourceURLs(new ArrayList<>(urls));
        return r;
    }

    /** Kubernetes' {@code ruleCovers}: does one owner rule cover an atomic rule entirely. */
    private static boolean covers(PolicyRule owner, PolicyRule sub) {
        List<String> ownerNames = list(owner.getResourceNames());
        List<String> subNames = list(sub.getResourceNames());
        boolean namesMatch = ownerNames.isEmpty() || (!subNames.isEmpty() && ownerNames.containsAll(subNames));
        return hasAllOrStar(list(owner.getVerbs()), list(sub.getVerbs()))
                && hasAllOrStar(list(owner.getApiGroups()), list(sub.getApiGroups()))
                && resourcesCover(list(owner.getResources()), list(sub.getResources()))
                && namesMatch
                && urlsCover(list(owner.getNonResourceURLs()), list(sub.getNonResourceURLs()));
    }

    private static boolean hasAllOrStar(List<String> owner, List<String> wanted) {
        return owner.contains("*") || owner.containsAll(wanted);
    }

    private static boolean resourcesCover(List<String> owner, List<String> wanted) {
        if (owner.contains("*") || owner.containsAll(wanted)) {
            return true;
        }
        for (String path : wanted) {
            if (owner.contains(path)) {
                continue;
            }
            int slash = path.indexOf('/');
            if (slash < 0 || !owner.contains("*/" + path.substring(slash + 1))) {
                return false;
            }
        }
        return true;
    }

    private static boolean urlsCover(List<String> owner, List<String> wanted) {
        for (String path : wanted) {
            boolean covered = false;
            for (String url : owner) {
                // unlike request matching, a lone "*" is not special here: Kubernetes' nonResourceURLCovers
                // treats it as the empty prefix, which covers every path all the same
                if (urlCovers(url, path)) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                return false;
            }
        }
        return true;
    }

    private static List<String> list(List<String> values) {
        return values == null ? List.of() : values;
    }
}
