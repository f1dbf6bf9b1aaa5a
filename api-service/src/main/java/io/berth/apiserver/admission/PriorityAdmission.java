package io.berth.apiserver.admission;

import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.scheduling.SystemPriorityClasses;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.watch.CachedObject;
import io.berth.apiserver.watch.WatchCache;
import io.berth.apiserver.watch.WatchFilter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Kubernetes' Priority admission plugin ({@code plugin/pkg/admission/priority}) and the PriorityClass storage rule
 * that goes with it:
 * <ul>
 *   <li>a pod's create resolves its {@code spec.priorityClassName} (or, without one, the global default class, whose
 *       name it then carries) into {@code spec.priority} and {@code spec.preemptionPolicy}; an unknown class, or a
 *       priority or policy the client set that differs from the class's, is 403;</li>
 *   <li>a pod's update keeps the priority and policy it has when the client leaves them out (pod validation makes
 *       both immutable);</li>
 *   <li>a PriorityClass may become the global default only while no other class is (403 otherwise);</li>
 *   <li>the system classes cannot be deleted (403).</li>
 * </ul>
 * Classes are read from this replica's watch cache. A class a pod names that the cache does not hold yet is read
 * from etcd, since it may have been created a moment ago through another replica; writes that may set
 * {@code globalDefault} first let the cache catch up with etcd ({@link #catchUp()}). As in Kubernetes, two classes
 * made the default at the same moment through two replicas can both succeed; the one with the lowest value (then
 * name) is then the default. The decisions are static functions of their inputs; thread safe.
 */
public final class PriorityAdmission {

    private static final Logger log = LoggerFactory.getLogger(PriorityAdmission.class);
    static final String PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority";

    private final ResourceType pods;
    private final ResourceType priorityClasses;
    private final EtcdStore store;
    private final WatchCache cache;
    private final Duration freshnessWait;

    /**
     * @param cache         the watch cache of {@code priorityclasses}
     * @param freshnessWait how long {@link #catchUp()} waits for the cache to reach etcd's revision
     */
    public PriorityAdmission(ResourceType pods, ResourceType priorityClasses, EtcdStore store, WatchCache cache,
                             Duration freshnessWait) {
        this.pods = pods;
        this.priorityClasses = priorityClasses;
        this.store = store;
        this.cache = cache;
        this.freshnessWait = freshnessWait;
    }

    /**
     * Sets a new pod's priority class name, priority and preemption policy (mutates {@code pod}).
     *
     * @return completes when admitted; fails with 403 when the class is unknown or the pod disagrees with it
     */
    public CompletableFuture<Void> admitPod(Pod pod) {
        String name = className(pod);
        if (name.isEmpty() || cached(name).isPresent()) {
            try {
                admitPod(pods, pod, this::cached, this::cachedClasses);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.completedFuture(null);
        }
        return store.getKey(priorityClasses, store.keys().key(priorityClasses, null, name), 0).thenAccept(stored ->
                admitPod(pods, pod, n -> stored == null ? Optional.empty()
                        : Optional.of((PriorityClass) stored.object()), this::cachedClasses));
    }

    /**
     * The decision of {@link #admitPod(Pod)}: Kubernetes' {@code admitPod} for a create.
     *
     * @param lookup  the class of a name, if it exists
     * @param classes every class (for the global default; read only when the pod names no class)
     */
    static void admitPod(ResourceType pods, Pod pod, Function<String, Optional<PriorityClass>> lookup,
                               Supplier<Collection<PriorityClass>> classes) {
        PodSpec spec = pod.getSpec();
        if (spec == null) {
            return; // validation refuses a pod without a spec
        }
        String name = className(pod);
        int priority;
        String policy;
        if (name.isEmpty()) {
            Optional<PriorityClass> def = globalDefault(classes.get());
            priority = def.map(PriorityAdmission::value)
                    .orElse(SystemPriorityClasses.DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS);
            policy = def.isPresent() ? def.get().getPreemptionPolicy() : PREEMPT_LOWER_PRIORITY;
            def.ifPresent(pc -> spec.setPriorityClassName(pc.getMetadata().getName()));
        } else {
            PriorityClass pc = lookup.apply(name).orElseThrow(() -> forbidden(pods, pod,
                    "no PriorityClass with name " + name + " was found"));
            priority = value(pc);
            policy = pc.getPreemptionPolicy();
        }
        if (spec.getPriority() != null && spec.getPriority() != priority) {
            throw forbidden(pods, pod, "the integer value of priority (" + spec.getPriority() + ") must not be"
                    + " provided in pod spec; priority admission controller computed " + priority
                    + " from the given PriorityClass name");
        }
        spec.setPriority(priority);
        if (policy != null) {
            if (spec.getPreemptionPolicy() != null && !spec.getPreemptionPolicy().equals(policy)) {
                throw forbidden(pods, pod, "the string value of PreemptionPolicy (" + spec.getPreemptionPolicy()
                        + ") must not be provided in pod spec; priority admission controller computed " + policy
                        + " from the given PriorityClass name");
            }
            spec.setPreemptionPolicy(policy);
        }
    }

    /**
     * A pod's update keeps the priority and preemption policy set at its create when the client leaves them out
     * (mutates {@code pod}); any other change of them is refused by pod update validation.
     */
    public static void admitPodUpdate(Pod pod, Pod old) {
        if (pod.getSpec() == null || old.getSpec() == null) {
            return;
        }
        if (pod.getSpec().getPriority() == null) {
            pod.getSpec().setPriority(old.getSpec().getPriority());
        }
        if (pod.getSpec().getPreemptionPolicy() == null) {
            pod.getSpec().setPreemptionPolicy(old.getSpec().getPreemptionPolicy());
        }
    }

    /**
     * Refuses a second global default (403), checked against the cache after {@link #catchUp()}.
     *
     * @param create true for a create, false for an update
     */
    public void validateClass(boolean create, PriorityClass pc) {
        validateClass(priorityClasses, create, pc, cachedClasses());
    }

    /** The decision of {@link #validateClass(boolean, PriorityClass)}, over {@code classes} as stored. */
    static void validateClass(ResourceType priorityClasses, boolean create, PriorityClass pc,
                              Collection<PriorityClass> classes) {
        if (!Boolean.TRUE.equals(pc.getGlobalDefault())) {
            return;
        }
        Optional<PriorityClass> current = globalDefault(classes);
        if (current.isPresent() && (create || !current.get().getMetadata().getName()
                .equals(pc.getMetadata().getName()))) {
            throw StatusErrors.forbidden(priorityClasses, pc.getMetadata().getName(), "PriorityClass "
                    + current.get().getMetadata().getName() + " is already marked as default. Only one default can"
                    + " exist");
        }
    }

    /** Refuses deleting a system class (403). */
    public void admitDelete(String name) {
        admitDelete(priorityClasses, name);
    }

    static void admitDelete(ResourceType priorityClasses, String name) {
        if (SystemPriorityClasses.isSystem(name)) {
            throw StatusErrors.forbidden(priorityClasses, name, "this is a system priority class and cannot be"
                    + " deleted");
        }
    }

    /**
     * Completes once the cache holds etcd's current revision, so that a class made the default a moment ago through
     * another replica counts. When the cache does not catch up in time it completes all the same, and the check runs
     * on what the cache holds, as Kubernetes' informer-fed plugin does; fails only when etcd cannot be read.
     */
    public CompletableFuture<Void> catchUp() {
        return store.currentRevision().thenCompose(revision -> cache.waitUntilFresh(revision, freshnessWait)
                .handle((ok, error) -> {
                    if (error != null) {
                        log.debug("priorityclasses cache did not reach revision {} in {}; checking against {}",
                                revision, freshnessWait, cache.revision());
                    }
                    return null;
                }));
    }

    /**
     * The global default: among the classes marked so, the one with the lowest value (Kubernetes' choice when a race
     * made several), then the first name.
     */
    static Optional<PriorityClass> globalDefault(Collection<PriorityClass> classes) {
        return classes.stream().filter(pc -> Boolean.TRUE.equals(pc.getGlobalDefault()))
                .min(Comparator.comparingInt(PriorityAdmission::value)
                        .thenComparing(pc -> pc.getMetadata().getName()));
    }

    private Optional<PriorityClass> cached(String name) {
        CachedObject c = cache.get(store.keys().key(priorityClasses, null, name));
        return c == null ? Optional.empty() : Optional.of((PriorityClass) c.object());
    }

    private Collection<PriorityClass> cachedClasses() {
        List<CachedObject> items = cache.list(WatchFilter.everything("")).items();
        return items.stream().map(c -> (PriorityClass) c.object()).toList();
    }

    private static int value(PriorityClass pc) {
        return pc.getValue() == null ? 0 : pc.getValue();
    }

    private static String className(Pod pod) {
        return pod.getSpec() == null ? "" : Objects.requireNonNullElse(pod.getSpec().getPriorityClassName(), "");
    }

    private static io.berth.apimachinery.errors.ApiException forbidden(ResourceType pods, Pod pod, String why) {
        String name = pod.getMetadata() == null || pod.getMetadata().getName() == null ? ""
                : pod.getMetadata().getName();
        return StatusErrors.forbidden(pods, name, why);
    }
}
