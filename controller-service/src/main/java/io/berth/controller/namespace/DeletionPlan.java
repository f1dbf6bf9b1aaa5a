package io.berth.controller.namespace;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The decisions of Kubernetes' namespaced resources deleter
 * ({@code pkg/controller/namespace/deletion/namespaced_resources_deleter.go}) as pure functions: where a namespace
 * is in its deletion, which discovered resources to empty and how, what remains of each, and what follows (wait,
 * finalize, or fail and retry).
 */
final class DeletionPlan {

    /** The finalizer in {@code spec.finalizers} that this controller owns. */
    static final String FINALIZER = "kubernetes";
    /** Kubernetes' guess at how long objects held by finalizers take to go. */
    static final long FINALIZER_ESTIMATE_SECONDS = 15;
    /**
     * The longest wait before looking again. Kubernetes waits estimate/2 + 1 s; the controller watches no content,
     * and node agents usually finish a pod well within its grace period, so it looks again sooner.
     */
    static final long MAX_WAIT_SECONDS = 5;

    /** Where a namespace (as read fresh from the API) is in its deletion. */
    enum Step {
        /** Not marked for deletion (or no longer): nothing to do. */
        NOT_DELETING,
        /** Marked, but the phase does not say Terminating yet: set it first. */
        MARK_TERMINATING,
        /** {@code kubernetes} is no longer in {@code spec.finalizers}: this controller is done with it. */
        FINALIZED,
        /** Delete its content, then finalize. */
        DELETE_CONTENT
    }

    /** A resource to empty, and which of its verbs discovery says it has. */
    record Deletable(GroupVersionResource resource, boolean deleteCollection, boolean list) {
    }

    /** The deletable namespaced resources of a discovery, and the group-versions that could not be parsed. */
    record Discovery(List<Deletable> resources, List<String> parseErrors) {
    }

    /**
     * What is left of one resource after its deletion.
     *
     * @param count      objects left
     * @param finalizers objects left by finalizer
     * @param estimate   seconds until they are expected to be gone (0 when none are left)
     * @param error      why objects are left that should not be (neither held by a finalizer nor being deleted
     *                   gracefully), or null
     */
    record Remaining(int count, Map<String, Integer> finalizers, long estimate, String error) {

        static final Remaining NONE = new Remaining(0, Map.of(), 0, null);
    }

    /**
     * One pass over a namespace's content: what failed and what is left.
     *
     * @param discoveryError why discovery was incomplete, or null
     * @param parseErrors    group-versions discovery named that could not be parsed
     * @param deleteErrors   errors deleting or listing content, one per resource
     * @param remaining      objects left, by resource (only resources with some)
     * @param finalizers     objects left, by finalizer
     * @param estimate       seconds until what is left is expected to be gone
     */
    record Content(String discoveryError, List<String> parseErrors, List<String> deleteErrors,
                   Map<GroupVersionResource, Integer> remaining, Map<String, Integer> finalizers, long estimate) {

        List<String> errors() {
            List<String> all = new ArrayList<>();
            if (discoveryError != null) {
                all.add(discoveryError);
            }
            all.addAll(parseErrors);
            all.addAll(deleteErrors);
            return all;
        }
    }

    /** What the controller does after deleting content. */
    sealed interface Next {
    }

    /** Content is still going: look again after {@code after}. */
    record Wait(Duration after) implements Next {
    }

    /** Nothing is left: PUT {@code finalize} with these {@code spec.finalizers}. */
    record Finalize(List<String> finalizers) implements Next {
    }

    /** Something failed: retry with back-off, and say why ({@code reason} as the condition's). */
    record Fail(String reason, String message) implements Next {
    }

    private DeletionPlan() {
    }

    static Step step(Namespace namespace) {
        if (namespace.getMetadata().getDeletionTimestamp() == null) {
            return Step.NOT_DELETING;
        }
        String phase = namespace.getStatus() == null ? null : namespace.getStatus().getPhase();
        if (!"Terminating".equals(phase)) {
            return Step.MARK_TERMINATING;
        }
        List<String> finalizers = namespace.getSpec() == null ? null : namespace.getSpec().getFinalizers();
        return finalizers != null && finalizers.contains(FINALIZER) ? Step.DELETE_CONTENT : Step.FINALIZED;
    }

    /**
     * The resources to empty: namespaced, not subresources, with the {@code delete} verb (Kubernetes' filter);
     * deletecollection and list where discovery says they are supported.
     */
    static Discovery deletable(List<APIResourceList> lists) {
        List<Deletable> resources = new ArrayList<>();
        List<String> parseErrors = new ArrayList<>();
        for (APIResourceList list : lists) {
            String gv = list.getGroupVersion() == null ? "" : list.getGroupVersion();
            String[] parts = gv.split("/", -1);
            if (parts.length > 2) {
                parseErrors.add("unexpected GroupVersion string: " + gv);
                continue;
            }
            String group = parts.length == 2 ? parts[0] : "";
            String version = parts.length == 2 ? parts[1] : parts[0];
            for (APIResource r : list.getResources() == null ? List.<APIResource>of() : list.getResources()) {
                Set<String> verbs = r.getVerbs() == null ? Set.of() : Set.copyOf(r.getVerbs());
                if (!Boolean.TRUE.equals(r.getNamespaced()) || r.getName() == null || r.getName().contains("/")
                        || !verbs.contains("delete")) {
                    continue;
                }
                resources.add(new Deletable(new GroupVersionResource(group, version, r.getName()),
                        verbs.contains("deletecollection"), verbs.contains("list")));
            }
        }
        return new Discovery(resources, parseErrors);
    }

    /**
     * What is left of {@code resource} after its deletion. An object held by finalizers is expected to go within
     * {@value #FINALIZER_ESTIMATE_SECONDS} s; one being deleted gracefully (a pod its node agent is stopping) when
     * its deletionTimestamp passes (and then within a second, as its node agent finishes); anything else should
     * have been deleted, which is an error (Kubernetes' "unexpected items still remain").
     */
    static Remaining remaining(GroupVersionResource resource, String namespace,
                               List<GenericKubernetesResource> items, Instant now) {
        if (items.isEmpty()) {
            return Remaining.NONE;
        }
        Map<String, Integer> finalizers = new TreeMap<>();
        long estimate = 0;
        boolean unexpected = false;
        for (GenericKubernetesResource item : items) {
            List<String> held = item.getMetadata().getFinalizers() == null ? List.of()
                    : item.getMetadata().getFinalizers();
            held.forEach(f -> finalizers.merge(f, 1, Integer::sum));
            String deletion = item.getMetadata().getDeletionTimestamp();
            if (!held.isEmpty()) {
                estimate = Math.max(estimate, FINALIZER_ESTIMATE_SECONDS);
            } else if (deletion != null && !deletion.isEmpty()) {
                estimate = Math.max(estimate, Math.max(1, secondsUntil(deletion, now)));
            } else {
                unexpected = true;
            }
        }
        String error = unexpected ? "unexpected items still remain in namespace: " + namespace + " for gvr: "
                + resource : null;
        return new Remaining(items.size(), finalizers, estimate, error);
    }

    /** After deleting content: fail while anything failed, wait while anything is left, else finalize. */
    static Next next(Namespace namespace, Content content) {
        if (content.discoveryError() != null) {
            return new Fail(NamespaceConditions.DISCOVERY_FAILED, String.join(", ", content.errors()));
        }
        if (!content.parseErrors().isEmpty()) {
            return new Fail(NamespaceConditions.PARSING_FAILED, String.join(", ", content.errors()));
        }
        if (!content.deleteErrors().isEmpty()) {
            return new Fail(NamespaceConditions.CONTENT_DELETION_FAILED, String.join(", ", content.errors()));
        }
        if (content.estimate() > 0) {
            return new Wait(waitFor(content.estimate()));
        }
        return new Finalize(withoutFinalizer(namespace));
    }

    /** Kubernetes' estimate/2 + 1 s, at most {@value #MAX_WAIT_SECONDS} s. */
    static Duration waitFor(long estimateSeconds) {
        return Duration.ofSeconds(Math.min(estimateSeconds / 2 + 1, MAX_WAIT_SECONDS));
    }

    /** The namespace's {@code spec.finalizers} without {@code kubernetes}: unique and sorted, as Kubernetes sends. */
    static List<String> withoutFinalizer(Namespace namespace) {
        TreeSet<String> rest = new TreeSet<>(namespace.getSpec() == null || namespace.getSpec().getFinalizers() == null
                ? List.of() : namespace.getSpec().getFinalizers());
        rest.remove(FINALIZER);
        return List.copyOf(rest);
    }

    /**
     * Kubernetes' ErrGroupDiscoveryFailed, as the DiscoveryFailure condition words it; null when nothing failed.
     */
    static String discoveryError(Map<String, String> failed) {
        if (failed.isEmpty()) {
            return null;
        }
        List<String> groups = new ArrayList<>();
        new TreeMap<>(failed).forEach((gv, error) -> groups.add(gv + ": " + error));
        return "Discovery failed for some groups, " + failed.size() + " failing: unable to retrieve the complete list"
                + " of server APIs: " + String.join(", ", groups);
    }

    private static long secondsUntil(String timestamp, Instant now) {
        try {
            return Duration.between(now, Instant.parse(timestamp)).toSeconds();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
