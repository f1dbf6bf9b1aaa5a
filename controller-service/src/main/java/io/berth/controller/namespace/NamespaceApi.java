package io.berth.controller.namespace;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the namespace controller asks of the API server: the namespace itself (read fresh, status and finalize
 * writes), discovery, and the deletion and listing of any namespaced resource. A field of the reconciler so tests
 * record the calls. Failures are {@link Failure}s; "gone" and "not supported" are answers, not failures.
 * Implementations must be thread safe (the controller runs several workers).
 */
interface NamespaceApi {

    /** An answer other than the ones a method expects, with its HTTP status (0 when none came). */
    final class Failure extends RuntimeException {

        private final int code;

        Failure(int code, String message) {
            super(message);
            this.code = code;
        }

        int code() {
            return code;
        }

        boolean conflict() {
            return code == 409;
        }
    }

    /**
     * What discovery found: the APIResourceList of every group-version it could read, and the error of each it
     * could not (by group-version).
     */
    record Discovered(List<APIResourceList> lists, Map<String, String> failed) {
    }

    /** The namespace as stored now; empty when it is gone. */
    Optional<Namespace> get(String name);

    /** PUT {@code namespaces/{name}/status}, conditional on its resourceVersion; empty when it is gone. */
    Optional<Namespace> updateStatus(Namespace namespace);

    /** PUT {@code namespaces/{name}/finalize}, conditional on its resourceVersion; empty when it is gone. */
    Optional<Namespace> finalize(Namespace namespace);

    /**
     * {@code /api/v1} and the preferred version of each group under {@code /apis}.
     *
     * @throws Failure when not even the list of groups could be read
     */
    Discovered discover();

    /** deletecollection of every object of {@code resource} in {@code namespace}; false when not supported. */
    boolean deleteCollection(GroupVersionResource resource, String namespace);

    /** Every object of {@code resource} in {@code namespace}; empty when listing is not supported. */
    Optional<List<GenericKubernetesResource>> list(GroupVersionResource resource, String namespace);

    /** Deletes one object; already gone is fine. */
    void delete(GroupVersionResource resource, String namespace, String name);
}
