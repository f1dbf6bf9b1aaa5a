package io.berth.node.simulate;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Registers one simulated node as the kubelet registers itself: create the Node with its status; if it exists (the
 * simulator restarted), adopt it: add the configured labels and any missing configured taints, leave other taints
 * (a controller's) alone, and write the status through {@code nodes/<name>/status}. Then create or adopt its Lease.
 * Blocking, one node per call; idempotent, so a failed registration is simply retried. Thread safe.
 */
final class NodeRegistrar {

    private static final String NODES = "/api/v1/nodes";

    private final NodeTemplate template;
    private final AsyncApi api;
    private final LeaseRenewer leases;
    private final NodeStatusReporter status;
    private final Clock clock;

    NodeRegistrar(NodeTemplate template, AsyncApi api, LeaseRenewer leases, NodeStatusReporter status, Clock clock) {
        this.template = template;
        this.api = api;
        this.leases = leases;
        this.status = status;
        this.clock = clock;
    }

    void register(SimulatedNode node) throws InterruptedException, TimeoutException {
        Instant now = clock.instant();
        AsyncApi.Response created = api.call("POST", NODES, AsyncApi.JSON, api.json(template.node(node.index, now)));
        Node registered;
        Instant readySince = now;
        boolean writeStatus;
        if (created.code() == 201) {
            registered = api.read(created, Node.class);
            // an API server that drops status on create (Berth keeps it, as Kubernetes does) gets it the kubelet way
            writeStatus = registered.getStatus() == null || registered.getStatus().getConditions() == null
                    || registered.getStatus().getConditions().isEmpty();
        } else if (created.code() == 409) {
            registered = adopt(node);
            readySince = readySince(registered, now);
            writeStatus = true;
        } else {
            throw failure("create node", node.name, created);
        }
        String uid = registered.getMetadata().getUid();
        node.created(uid, readySince);
        if (writeStatus) {
            String body = status.body(node);
            AsyncApi.Response r = await(api.gated(() -> status.patch(node.name, body)));
            if (!r.ok()) {
                throw failure("write the status of", node.name, r);
            }
        }
        Lease lease = await(api.gated(() -> leases.createOrAdopt(node.name, uid)));
        node.registered(lease);
    }

    /** The existing Node with the configured labels and taints added. */
    private Node adopt(SimulatedNode node) throws InterruptedException, TimeoutException {
        AsyncApi.Response got = api.call("GET", NODES + "/" + node.name, null, null);
        if (!got.ok()) {
            throw failure("get node", node.name, got);
        }
        Node existing = api.read(got, Node.class);
        Map<String, String> labels = template.labels(node.name);
        List<Taint> taints = existing.getSpec() == null || existing.getSpec().getTaints() == null
                ? new ArrayList<>() : new ArrayList<>(existing.getSpec().getTaints());
        boolean changed = false;
        for (Taint wanted : template.taints()) {
            boolean present = taints.stream().anyMatch(t -> t.getKey().equals(wanted.getKey())
                    && t.getEffect().equals(wanted.getEffect()) && Objects.equals(t.getValue(), wanted.getValue()));
            if (!present) {
                taints.removeIf(t -> t.getKey().equals(wanted.getKey()) && t.getEffect().equals(wanted.getEffect()));
                taints.add(wanted);
                changed = true;
            }
        }
        Map<String, String> have = existing.getMetadata().getLabels() == null ? Map.of()
                : existing.getMetadata().getLabels();
        changed |= labels.entrySet().stream().anyMatch(e -> !e.getValue().equals(have.get(e.getKey())));
        if (!changed) {
            return existing;
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("metadata", Map.of("labels", labels));
        patch.put("spec", Map.of("taints", taints));
        AsyncApi.Response patched = api.call("PATCH", NODES + "/" + node.name, AsyncApi.MERGE_PATCH, api.json(patch));
        if (!patched.ok()) {
            throw failure("update node", node.name, patched);
        }
        return api.read(patched, Node.class);
    }

    /** When the existing Node turned Ready, if it still is; else now. */
    private static Instant readySince(Node node, Instant now) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return now;
        }
        for (NodeCondition c : node.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                Instant since = Times.parse(c.getLastTransitionTime());
                return since != null ? since : now;
            }
        }
        return now;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future)
            throws InterruptedException, TimeoutException {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    private static IllegalStateException failure(String what, String name, AsyncApi.Response r) {
        String body = r.body() == null ? "" : r.body();
        return new IllegalStateException("cannot " + what + " " + name + ": HTTP " + r.code() + " "
                + body.substring(0, Math.min(300, body.length())));
    }
}
