package io.berth.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;

import java.util.List;

/** What a garbage collection plan asks for; applied in order, stopping at the first failure. Immutable. */
sealed interface Action {

    /**
     * DELETE {@code target} with {@code propagationPolicy}, preconditions its uid and, unless null, the resourceVersion
     * the decision was made on (so a decision made on a stale cached copy is refused with 409 instead of deleting an
     * object whose owner references changed meanwhile).
     */
    record Delete(ObjectRef target, String resourceVersion, String propagationPolicy) implements Action {
    }

    /** Replace the owner references of {@code target} (a merge patch guarded by its uid and resourceVersion). */
    record UpdateOwnerReferences(ObjectRef target, String resourceVersion, List<OwnerReference> ownerReferences)
            implements Action {
        public UpdateOwnerReferences {
            ownerReferences = List.copyOf(ownerReferences);
        }
    }

    /** Remove {@code finalizer} from {@code target}, leaving {@code remaining} (guarded by uid and resourceVersion). */
    record RemoveFinalizer(ObjectRef target, String resourceVersion, String finalizer, List<String> remaining)
            implements Action {
        public RemoveFinalizer {
            remaining = List.copyOf(remaining);
        }
    }

    /** Sync the object with this uid again (its own plan decides). */
    record Sync(String uid) implements Action {
    }

    /** A Warning event about {@code about}. */
    record Warn(ObjectRef about, String reason, String message) implements Action {
    }

    String BACKGROUND = "Background";
    String FOREGROUND = "Foreground";
    String ORPHAN = "Orphan";
}
