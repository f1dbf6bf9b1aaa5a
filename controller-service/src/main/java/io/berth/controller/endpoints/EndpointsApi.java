package io.berth.controller.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The Endpoints controller's writes and events: the seam tests replace with a recorder. Calls block; failures are
 * {@link io.fabric8.kubernetes.client.KubernetesClientException}s carrying the API's status. Thread safe.
 */
interface EndpointsApi {

    /** {@code POST /api/v1/namespaces/{ns}/endpoints}; returns the created object. */
    Endpoints create(Endpoints endpoints);

    /** {@code PUT .../endpoints/{name}} with the object's resourceVersion; returns the stored object. */
    Endpoints update(Endpoints endpoints);

    /** {@code DELETE .../endpoints/{name}}; an object already gone is no error. */
    void delete(String namespace, String name);

    /** A Warning event about {@code about}. */
    void warning(HasMetadata about, String reason, String message);
}
