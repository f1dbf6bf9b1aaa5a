package io.berth.controller.endpointslice;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * The EndpointSlice controller's writes ({@code discovery.k8s.io/v1}) and events: the seam tests replace with a
 * recorder. Calls block; failures are {@link io.fabric8.kubernetes.client.KubernetesClientException}s carrying the
 * API's status. Thread safe.
 */
interface EndpointSliceApi {

    /** {@code POST /apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices} (generateName); the created slice. */
    EndpointSlice create(EndpointSlice slice);

    /** {@code PUT .../endpointslices/{name}} with the slice's resourceVersion; the stored slice. */
    EndpointSlice update(EndpointSlice slice);

    /** {@code DELETE .../endpointslices/{name}}; a slice already gone is no error. */
    void delete(EndpointSlice slice);

    /** A Warning event about {@code about}. */
    void warning(HasMetadata about, String reason, String message);
}
