package io.berth.apiserver.strategy;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceSpec;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;

import java.lang.reflect.Method;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the server sets and keeps on writes, as Kubernetes' REST strategies do: identity and timestamps on create,
 * immutable metadata and status preserved on update, {@code metadata.generation} bumped when the spec changes, and
 * status-only updates through the {@code /status} subresource. Stateless; mutates the objects it is given.
 */
public final class Strategy {

    private static final Map<Class<?>, Accessors> ACCESSORS = new ConcurrentHashMap<>();

    private Strategy() {
    }

    public static String timestamp(Instant now) {
        return DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Sets uid, creationTimestamp, generation; clears what clients may not set; resets status where Kubernetes does. */
    public static void prepareForCreate(ResourceType type, HasMetadata obj, Instant now) {
        ObjectMeta meta = obj.getMetadata();
        meta.setUid(UUID.randomUUID().toString());
        meta.setCreationTimestamp(timestamp(now));
        meta.setDeletionTimestamp(null);
        meta.setDeletionGracePeriodSeconds(null);
        meta.setResourceVersion(null);
        meta.setSelfLink(null);
        meta.setManagedFields(null);
        meta.setGeneration(type.hasSpec() ? 1L : null);
        if (obj.getApiVersion() == null) {
            obj.setApiVersion(type.apiVersion());
        }
        if (obj instanceof Pod pod) {
            PodStatus status = new PodStatus();
            status.setPhase("Pending");
            status.setQosClass(qosClass(pod));
            pod.setStatus(status);
        } else if (obj instanceof Namespace ns) {
            NamespaceStatus status = new NamespaceStatus();
            status.setPhase("Active");
            ns.setStatus(status);
        } else if (type.hasStatus() && !(obj instanceof Node)) {
            accessors(obj.getClass()).setStatus(obj, null);
        }
    }

    /**
     * Keeps what an update of the main resource may not change: identity, creation and deletion metadata, the
     * status where a status subresource exists and a namespace's {@code spec.finalizers}; bumps the generation when
     * the spec changed.
     */
    public static void prepareForUpdate(ResourceType type, HasMetadata obj, HasMetadata old) {
        ObjectMeta meta = obj.getMetadata();
        ObjectMeta oldMeta = old.getMetadata();
        meta.setUid(oldMeta.getUid());
        meta.setCreationTimestamp(oldMeta.getCreationTimestamp());
        meta.setDeletionTimestamp(oldMeta.getDeletionTimestamp());
        meta.setDeletionGracePeriodSeconds(oldMeta.getDeletionGracePeriodSeconds());
        meta.setSelfLink(null);
        meta.setManagedFields(oldMeta.getManagedFields());
        if (obj.getApiVersion() == null) {
            obj.setApiVersion(type.apiVersion());
        }
        Accessors acc = accessors(obj.getClass());
        if (type.hasStatus()) {
            acc.setStatus(obj, acc.status(old));
        }
        if (obj instanceof Namespace ns && old instanceof Namespace oldNs) {
            // only namespaces/finalize changes spec.finalizers (Kubernetes' namespaceStrategy.PrepareForUpdate)
            if (ns.getSpec() == null) {
                ns.setSpec(new NamespaceSpec());
            }
            ns.getSpec().setFinalizers(oldNs.getSpec() == null || oldNs.getSpec().getFinalizers() == null ? null
                    : new ArrayList<>(oldNs.getSpec().getFinalizers()));
        }
        if (type.hasSpec()) {
            long generation = oldMeta.getGeneration() == null ? 1 : oldMeta.getGeneration();
            meta.setGeneration(Objects.equals(acc.spec(obj), acc.spec(old)) ? generation : generation + 1);
        } else {
            meta.setGeneration(oldMeta.getGeneration());
        }
    }

    /** The result of a {@code /status} write: the stored object with only its status replaced. */
    public static HasMetadata statusUpdate(HasMetadata requested, HasMetadata old) {
        Accessors acc = accessors(old.getClass());
        acc.setStatus(old, acc.status(requested));
        return old;
    }

    public static Object status(HasMetadata obj) {
        return accessors(obj.getClass()).status(obj);
    }

    static String qosClass(Pod pod) {
        List<Container> all = new ArrayList<>();
        if (pod.getSpec() != null) {
            if (pod.getSpec().getContainers() != null) {
                all.addAll(pod.getSpec().getContainers());
            }
            if (pod.getSpec().getInitContainers() != null) {
                all.addAll(pod.getSpec().getInitContainers());
            }
        }
        boolean any = false;
        boolean guaranteed = !all.isEmpty();
        for (Container c : all) {
            Map<String, Quantity> requests = c.getResources() == null ? null : c.getResources().getRequests();
            Map<String, Quantity> limits = c.getResources() == null ? null : c.getResources().getLimits();
            if ((requests != null && !requests.isEmpty()) || (limits != null && !limits.isEmpty())) {
                any = true;
            }
            for (String r : List.of("cpu", "memory")) {
                Quantity limit = limits == null ? null : limits.get(r);
                Quantity request = requests == null ? null : requests.get(r);
                if (limit == null || (request != null && Quantity.getAmountInBytes(request)
                        .compareTo(Quantity.getAmountInBytes(limit)) != 0)) {
                    guaranteed = false;
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private static Accessors accessors(Class<?> type) {
        return ACCESSORS.computeIfAbsent(type, Accessors::new);
    }

    /** Reflective getSpec/getStatus/setStatus of a model class (fabric8 kinds share no interface for them). */
    private static final class Accessors {
        private final Method getSpec;
        private final Method getStatus;
        private final Method setStatus;

        Accessors(Class<?> type) {
            this.getSpec = find(type, "getSpec");
            this.getStatus = find(type, "getStatus");
            this.setStatus = getStatus == null ? null : find(type, "setStatus", getStatus.getReturnType());
        }

        private static Method find(Class<?> type, String name, Class<?>... params) {
            try {
                return type.getMethod(name, params);
            } catch (NoSuchMethodException e) {
                return null;
            }
        }

        Object spec(Object obj) {
            return invoke(getSpec, obj);
        }

        Object status(Object obj) {
            return invoke(getStatus, obj);
        }

        void setStatus(Object obj, Object status) {
            if (setStatus != null) {
                try {
                    setStatus.invoke(obj, status);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        private static Object invoke(Method m, Object obj) {
            if (m == null) {
                return null;
            }
            try {
                return m.invoke(obj);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
