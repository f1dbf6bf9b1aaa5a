package io.berth.scheduler.api;

import io.berth.apimachinery.client.ApiCalls;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Binds a pod to its node through {@code POST pods/{name}/binding} (Kubernetes' DefaultBinder), carrying the pod's
 * uid so a pod deleted and recreated under the same name is never bound by mistake. Thread safe.
 */
public final class Binder {

    /** The binding was refused or could not be sent; {@code code} is the HTTP status (0: no answer). */
    public static final class BindingFailure extends RuntimeException {
        private final int code;

        BindingFailure(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final ApiCalls api;
    private final KubernetesSerialization json;
    private final LongAdder sent = new LongAdder();

    public Binder(ApiCalls api, KubernetesSerialization json) {
        this.api = api;
        this.json = json;
    }

    /** Completes when the API accepted the binding; fails with a {@link BindingFailure} otherwise. */
    public CompletableFuture<Void> bind(Pod pod, String node) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        Binding binding = new BindingBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).withUid(pod.getMetadata().getUid()).endMetadata()
                .withNewTarget().withApiVersion("v1").withKind("Node").withName(node).endTarget()
                .build();
        sent.increment();
        return api.send("POST", "/api/v1/namespaces/" + ns + "/pods/" + name + "/binding", "application/json",
                        json.asJson(binding))
                .thenApply(answer -> {
                    if (!answer.ok()) {
                        throw new BindingFailure(answer.code(), Recorder.statusMessage(json, answer));
                    }
                    return null;
                });
    }

    /** Binding requests sent since start (the standby's stays 0). */
    public long sent() {
        return sent.sum();
    }
}
