package io.berth.controller.runtime;

import io.berth.apimachinery.selector.LabelSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * Controller references (the one ownerReference with {@code controller: true}) and Kubernetes'
 * {@code ControllerRefManager} claim rule, as pure functions: of the objects in an owner's namespace, it owns those
 * whose controller reference names its uid and that its selector still matches; it adopts matching orphans (unless
 * it is being deleted); it releases owned objects that stopped matching. Objects controlled by someone else are
 * never touched.
 */
public final class ControllerRefs {

    private ControllerRefs() {
    }

    /** The object's controller reference, or null. */
    public static OwnerReference controllerOf(HasMetadata obj) {
        List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
        if (refs == null) {
            return null;
        }
        for (OwnerReference ref : refs) {
            if (Boolean.TRUE.equals(ref.getController())) {
                return ref;
            }
        }
        return null;
    }

    /** A controller reference to {@code owner} that blocks its foreground deletion, as controllers set it. */
    public static OwnerReference controllerRef(HasMetadata owner) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /** The name of the index of objects by their controller's uid (orphans under {@link #orphansKey}). */
    public static final String CONTROLLER_UID_INDEX = "controllerUID";

    /**
     * The index function of Kubernetes' {@code AddPodControllerUIDIndexer}: an object is filed under its
     * controller's uid, an orphan under {@link #orphansKey} of its namespace, so a controller finds its own objects
     * and the orphans it might adopt without scanning the namespace.
     */
    public static List<String> controllerUidIndex(HasMetadata obj) {
        OwnerReference ref = controllerOf(obj);
        return List.of(ref == null ? orphansKey(obj.getMetadata().getNamespace()) : ref.getUid());
    }

    public static String orphansKey(String namespace) {
        return "orphans/" + namespace;
    }

    /** The candidates of {@link #claim}: the owner's own objects and the orphans of its namespace, from the index. */
    public static <T extends HasMetadata> List<T> candidates(
            io.fabric8.kubernetes.client.informers.cache.Indexer<T> indexer, HasMetadata owner) {
        List<T> out = new ArrayList<>(indexer.byIndex(CONTROLLER_UID_INDEX, owner.getMetadata().getUid()));
        out.addAll(indexer.byIndex(CONTROLLER_UID_INDEX, orphansKey(owner.getMetadata().getNamespace())));
        return out;
    }

    /** What an owner keeps, adopts and releases of the candidates (objects in its namespace). */
    public record Claim<T extends HasMetadata>(List<T> owned, List<T> adopt, List<T> release) {
        /** Owned after the adoptions and releases succeed. */
        public List<T> claimed() {
            List<T> all = new ArrayList<>(owned);
            all.addAll(adopt);
            return all;
        }
    }

    public static <T extends HasMetadata> Claim<T> claim(HasMetadata owner, LabelSelector selector,
                                                         List<T> candidates) {
        String uid = owner.getMetadata().getUid();
        boolean deleting = owner.getMetadata().getDeletionTimestamp() != null;
        List<T> owned = new ArrayList<>();
        List<T> adopt = new ArrayList<>();
        List<T> release = new ArrayList<>();
        for (T obj : candidates) {
            OwnerReference ref = controllerOf(obj);
            boolean matches = selector.matches(labels(obj));
            if (ref != null) {
                if (!uid.equals(ref.getUid())) {
                    continue;
                }
                if (matches || deleting) {
                    // an owner being deleted keeps what it has, so the garbage collector finds it
                    owned.add(obj);
                } else {
                    release.add(obj);
                }
            } else if (matches && !deleting && obj.getMetadata().getDeletionTimestamp() == null) {
                adopt.add(obj);
            }
        }
        return new Claim<>(owned, adopt, release);
    }

    private static java.util.Map<String, String> labels(HasMetadata obj) {
        return obj.getMetadata().getLabels() == null ? java.util.Map.of() : obj.getMetadata().getLabels();
    }
}
