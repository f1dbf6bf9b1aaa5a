package io.berth.controller.runtime;

import io.berth.apimachinery.client.ApiCalls;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;

/**
 * What a controller gets for one leadership term: the shared informers (register handlers and indexers before they
 * start), the API client (fabric8, for ordinary writes) and its asynchronous lane (for bulk writes such as a replica
 * set's pod creations), the event recorder and the clock.
 */
public record ControllerContext(Informers informers, KubernetesClient client, ApiCalls api, EventRecorder events,
                               Clock clock) {
}
