package io.berth.apimachinery.rbac;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.selector.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the policy rules that apply to a user, as Kubernetes' {@code DefaultRuleResolver} does: first every
 * ClusterRoleBinding with a subject matching the user, then (for a namespaced request) every RoleBinding in that
 * namespace. The RBAC authorizer, SelfSubjectRulesReview and the escalation check of role and binding writes all
 * read rules through it.
 *
 * <p>Aggregation: Kubernetes has a controller copy the rules of the ClusterRoles an {@code aggregationRule} selects
 * into the aggregating role; Berth resolves the same result when it is asked. A ClusterRole's rules are its own
 * stored rules plus those of every ClusterRole its selectors match, followed transitively ({@code admin} selects
 * {@code edit}, which selects {@code view}): the state Kubernetes' controller converges to, without waiting for it.
 * Each role is counted once, so selection cycles end. The result is cached per aggregating role and dropped
 * whenever {@link RbacObjects#revision()} changes; roles without an aggregationRule are read straight from the
 * objects and never copied.
 *
 * <p>Thread safe; it holds no lock while visiting, and a visit sees the objects as they are while it runs.
 */
public final class RuleResolver {

    private static final Comparator<ClusterRole> BY_NAME =
            Comparator.comparing(r -> r.getMetadata() == null ? "" : nonNull(r.getMetadata().getName()));
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    private final RbacObjects objects;
    private volatile AggregatedRules aggregated = new AggregatedRules(Long.MIN_VALUE);

    public RuleResolver(RbacObjects objects) {
        this.objects = objects;
    }

    /**
     * Visits the rules that apply to the user: from ClusterRoleBindings, then from RoleBindings in {@code namespace}
     * (skipped when it is ""), until the visitor returns false. A binding whose role is missing is reported to the
     * visitor as an error and contributes no rules, as in Kubernetes.
     */
    public void visitRulesFor(UserInfo user, String namespace, RuleVisitor visitor) {
        visit(user, namespace, (source, rule, error) ->
                visitor.visit(source == null ? null : source.toString(), rule, error));
    }

    /** Every rule that applies to the user in the namespace ("" for cluster-wide rules only); errors are skipped. */
    public List<PolicyRule> rulesFor(UserInfo user, String namespace) {
        List<PolicyRule> rules = new ArrayList<>();
        visit(user, namespace, (source, rule, error) -> {
            if (rule != null) {
                rules.add(rule);
            }
            return true;
        });
        return rules;
    }

    /**
     * A ClusterRole's rules including what its aggregationRule selects (see the class comment); empty when the role
     * is absent. The list is unmodifiable and its rules are shared: do not modify them.
     */
    public List<PolicyRule> clusterRoleRules(String name) {
        List<PolicyRule> rules = clusterRoleRulesOrNull(name);
        return rules == null ? List.of() : Collections.unmodifiableList(rules);
    }

    /**
     * The rules a binding's roleRef grants: a Role from the binding's namespace ({@code bindingNamespace}), or a
     * ClusterRole. Empty when the role is absent or the kind is unknown. A RoleBinding to a ClusterRole grants the
     * rules in its own namespace only: that is the caller's business (the resolver visits RoleBindings only for
     * requests in their namespace).
     */
    public List<PolicyRule> roleRefRules(String bindingNamespace, RoleRef ref) {
        List<PolicyRule> rules = roleRefRulesOrNull(nonNull(bindingNamespace), ref);
        return rules == null ? List.of() : Collections.unmodifiableList(rules);
    }

    /**
     * Kubernetes' {@code appliesTo}: a User subject matches the user's name, a Group subject one of the user's
     * groups, a ServiceAccount subject the user {@code system:serviceaccount:<namespace>:<name>}, where an empty
     * subject namespace means the binding's namespace (and matches nothing for a ClusterRoleBinding).
     */
    public static boolean appliesTo(Subject subject, UserInfo user, String bindingNamespace) {
        if (subject == null || user == null || subject.getKind() == null || subject.getName() == null) {
            return false;
        }
        String name = subject.getName();
        return switch (subject.getKind()) {
            case "User" -> name.equals(user.name());
            case "Group" -> user.groups().contains(name);
            case "ServiceAccount" -> {
                String namespace = nonNull(subject.getNamespace()).isEmpty()
                        ? nonNull(bindingNamespace) : subject.getNamespace();
                yield !namespace.isEmpty() && isServiceAccount(user.name(), namespace, name);
            }
            default -> false;
        };
    }

    // system:serviceaccount:<namespace>:<name>, compared in place: this runs for every subject of every binding
    private static boolean isServiceAccount(String username, String namespace, String name) {
        int p = SERVICE_ACCOUNT_PREFIX.length();
        return username != null
                && username.length() == p + namespace.length() + 1 + name.length()
                && username.startsWith(SERVICE_ACCOUNT_PREFIX)
                && username.regionMatches(p, namespace, 0, namespace.length())
                && username.charAt(p + namespace.length()) == ':'
                && username.endsWith(name);
    }

    /** The visit the authorizer uses: sources are described only when the visitor asks. */
    @FunctionalInterface
    interface SourceVisitor {
        boolean visit(BindingSource source, PolicyRule rule, String error);
    }

    void visit(UserInfo user, String namespace, SourceVisitor visitor) {
        if (user == null) {
            return;
        }
        BindingSource source = new BindingSource();
        for (ClusterRoleBinding binding : objects.clusterRoleBindings()) {
            Subject subject = applyingSubject(binding.getSubjects(), user, "");
            if (subject != null && !visitBinding(visitor, source.set("ClusterRoleBinding", name(binding.getMetadata()),
                    "", binding.getRoleRef(), subject), "", binding.getRoleRef())) {
                return;
            }
        }
        if (namespace == null || namespace.isEmpty()) {
            return;
        }
        for (RoleBinding binding : objects.roleBindings(namespace)) {
            Subject subject = applyingSubject(binding.getSubjects(), user, namespace);
            if (subject != null && !visitBinding(visitor, source.set("RoleBinding", name(binding.getMetadata()),
                    namespace, binding.getRoleRef(), subject), namespace, binding.getRoleRef())) {
                return;
            }
        }
    }

    private boolean visitBinding(SourceVisitor visitor, BindingSource source, String namespace, RoleRef ref) {
        if (ref == null) {
            return visitor.visit(null, null, "unsupported role reference kind: \"\"");
        }
        List<PolicyRule> rules = roleRefRulesOrNull(namespace, ref);
        if (rules == null) {
            return visitor.visit(null, null, missing(ref));
        }
        for (int i = 0; i < rules.size(); i++) {
            PolicyRule rule = rules.get(i);
            if (rule != null && !visitor.visit(source, rule, null)) {
                return false;
            }
        }
        return true;
    }

    private static Subject applyingSubject(List<Subject> subjects, UserInfo user, String bindingNamespace) {
        if (subjects == null) {
            return null;
        }
        for (int i = 0; i < subjects.size(); i++) {
            if (appliesTo(subjects.get(i), user, bindingNamespace)) {
                return subjects.get(i);
            }
        }
        return null;
    }

    // the NotFound messages of Kubernetes' listers, which its authorizer reports as the reason
    private static String missing(RoleRef ref) {
        String kind = nonNull(ref.getKind());
        return switch (kind) {
            case "ClusterRole" -> "clusterrole.rbac.authorization.k8s.io " + GoStrings.quote(nonNull(ref.getName()))
                    + " not found";
            case "Role" -> "role.rbac.authorization.k8s.io " + GoStrings.quote(nonNull(ref.getName())) + " not found";
            default -> "unsupported role reference kind: " + GoStrings.quote(kind);
        };
    }

    private List<PolicyRule> roleRefRulesOrNull(String bindingNamespace, RoleRef ref) {
        if (ref == null || ref.getKind() == null || ref.getName() == null) {
            return null;
        }
        return switch (ref.getKind()) {
            case "ClusterRole" -> clusterRoleRulesOrNull(ref.getName());
            case "Role" -> {
                Role role = bindingNamespace.isEmpty() ? null : objects.role(bindingNamespace, ref.getName());
                yield role == null ? null : nonNull(role.getRules());
            }
            default -> null;
        };
    }

    private List<PolicyRule> clusterRoleRulesOrNull(String name) {
        // read before the objects, so that a cached result is never older than the revision it is filed under
        long revision = objects.revision();
        ClusterRole role = objects.clusterRole(name);
        if (role == null) {
            return null;
        }
        if (!aggregates(role)) {
            return nonNull(role.getRules());
        }
        AggregatedRules cache = aggregated;
        if (cache.revision != revision) {
            cache = new AggregatedRules(revision);
            aggregated = cache;
        }
        List<PolicyRule> rules = cache.rules.get(name);
        if (rules == null) {
            rules = aggregate(role);
            cache.rules.putIfAbsent(name, rules);
        }
        return rules;
    }

    private List<PolicyRule> aggregate(ClusterRole role) {
        List<PolicyRule> rules = new ArrayList<>();
        Set<PolicyRule> seenRules = new HashSet<>();
        addRules(rules, seenRules, role.getRules());
        List<ClusterRole> candidates = new ArrayList<>(objects.clusterRoles());
        candidates.sort(BY_NAME);
        Set<String> included = new HashSet<>();
        included.add(name(role.getMetadata()));
        ArrayDeque<ClusterRole> aggregating = new ArrayDeque<>();
        aggregating.add(role);
        while (!aggregating.isEmpty()) {
            List<LabelSelector> selectors = selectors(aggregating.poll());
            for (ClusterRole candidate : candidates) {
                String candidateName = name(candidate.getMetadata());
                Map<String, String> labels = candidate.getMetadata() == null ? null : candidate.getMetadata().getLabels();
                if (included.contains(candidateName) || !matchesAny(selectors, labels)) {
                    continue;
                }
                included.add(candidateName);
                addRules(rules, seenRules, candidate.getRules());
                if (aggregates(candidate)) {
                    aggregating.add(candidate);
                }
            }
        }
        return List.copyOf(rules);
    }

    private static void addRules(List<PolicyRule> into, Set<PolicyRule> seen, List<PolicyRule> rules) {
        if (rules == null) {
            return;
        }
        for (PolicyRule rule : rules) {
            if (rule != null && seen.add(rule)) {
                into.add(rule);
            }
        }
    }

    private static boolean aggregates(ClusterRole role) {
        return role.getAggregationRule() != null;
    }

    private static List<LabelSelector> selectors(ClusterRole role) {
        List<io.fabric8.kubernetes.api.model.LabelSelector> stored = role.getAggregationRule().getClusterRoleSelectors();
        List<LabelSelector> selectors = new ArrayList<>();
        if (stored == null) {
            return selectors;
        }
        for (io.fabric8.kubernetes.api.model.LabelSelector s : stored) {
            try {
                selectors.add(LabelSelector.from(s));
            } catch (RuntimeException e) {
                // validation refuses such selectors on write; one that got in anyway selects nothing
            }
        }
        return selectors;
    }

    private static boolean matchesAny(List<LabelSelector> selectors, Map<String, String> labels) {
        for (LabelSelector selector : selectors) {
            if (selector.matches(labels)) {
                return true;
            }
        }
        return false;
    }

    private static String name(io.fabric8.kubernetes.api.model.ObjectMeta meta) {
        return meta == null ? "" : nonNull(meta.getName());
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static List<PolicyRule> nonNull(List<PolicyRule> rules) {
        return rules == null ? List.of() : rules;
    }

    /** Aggregated rules computed at one revision; replaced as a whole when the revision changes. */
    private static final class AggregatedRules {
        final long revision;
        final Map<String, List<PolicyRule>> rules = new ConcurrentHashMap<>();

        AggregatedRules(long revision) {
            this.revision = revision;
        }
    }
}
