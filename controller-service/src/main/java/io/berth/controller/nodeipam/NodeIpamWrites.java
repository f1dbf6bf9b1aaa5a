package io.berth.controller.nodeipam;

import io.berth.controller.runtime.EventRecorder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.List;
import java.util.Map;

/** The node IPAM controller's writes: the seam tests replace to record what a sync does. */
interface NodeIpamWrites {

    /**
     * A merge patch of {@code nodes/{name}} setting {@code spec.podCIDR} and {@code spec.podCIDRs}.
     *
     * @throws KubernetesClientException when it fails; its code tells a refusal (4xx) from an unknown outcome
     */
    void patchPodCidr(String node, String cidr);

    /** A Normal event about the node ({@code CIDRNotAvailable}, {@code CIDRAssignmentFailed}); best effort. */
    void event(Node node, String reason, String message);

    static NodeIpamWrites of(KubernetesClient client, EventRecorder events) {
        return new NodeIpamWrites() {
            @Override
            public void patchPodCidr(String node, String cidr) {
                String patch = client.getKubernetesSerialization().asJson(
                        Map.of("spec", Map.of("podCIDR", cidr, "podCIDRs", List.of(cidr))));
                client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            }

            @Override
            public void event(Node node, String reason, String message) {
                events.normal(node, reason, message);
            }
        };
    }
}
