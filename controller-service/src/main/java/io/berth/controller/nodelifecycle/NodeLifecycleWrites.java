package io.berth.controller.nodelifecycle;

import io.berth.controller.runtime.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node lifecycle controller's writes: the seam tests replace to record what a sync does. Every method throws on
 * failure (the sync is retried with back-off), a conflict included.
 */
interface NodeLifecycleWrites {

    /** PUT {@code nodes/{name}/status}, guarded by the node's resourceVersion; the node as written. */
    Node updateNodeStatus(Node node);

    /** PUT {@code nodes/{name}} (its taints), guarded by the node's resourceVersion; the node as written. */
    Node updateNode(Node node);

    /**
     * A strategic merge patch of {@code pods/{name}/status} that sets these conditions (merged by type, others kept),
     * with the pod's uid as precondition; false when the pod is gone.
     */
    boolean patchPodConditions(Pod pod, List<PodCondition> conditions);

    /** DELETE {@code pods/{name}}: an ordinary graceful deletion; a pod already gone is no error. */
    void deletePod(Pod pod);

    /** Records an event about {@code about} (best effort). */
    void event(HasMetadata about, String type, String reason, String message);

    /** The writes through the controller manager's API client. */
    static NodeLifecycleWrites of(KubernetesClient client, EventRecorder events) {
        return new NodeLifecycleWrites() {
            @Override
            public Node updateNodeStatus(Node node) {
                return client.nodes().resource(node).updateStatus();
            }

            @Override
            public Node updateNode(Node node) {
                return client.nodes().resource(node).update();
            }

            @Override
            public boolean patchPodConditions(Pod pod, List<PodCondition> conditions) {
                Map<String, Object> body = new LinkedHashMap<>();
                if (pod.getMetadata().getUid() != null) {
                    // Kubernetes' PatchPodStatus: the uid makes the patch miss a pod recreated under the same name
                    body.put("metadata", Map.of("uid", pod.getMetadata().getUid()));
                }
                body.put("status", Map.of("conditions", conditions));
                String patch = client.getKubernetesSerialization().asJson(body);
                try {
                    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                            .subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
                    return true;
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 404) {
                        return false;
                    }
                    throw e;
                }
            }

            @Override
            public void deletePod(Pod pod) {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                        .delete();
            }

            @Override
            public void event(HasMetadata about, String type, String reason, String message) {
                if ("Warning".equals(type)) {
                    events.warning(about, reason, message);
                } else {
                    events.normal(about, reason, message);
                }
            }
        };
    }
}
