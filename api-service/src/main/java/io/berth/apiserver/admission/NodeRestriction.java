package io.berth.apiserver.admission;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeConfigSource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kubernetes' NodeRestriction admission plugin for users {@code system:node:<name>} in {@code system:nodes}: the
 * gateway's node authorizer has already limited which objects a node may address by name; this plugin checks the
 * objects' fields, with the stored object at hand. A node may
 * <ul>
 *   <li>create, update and delete only its own Node, without setting, changing or removing
 *       {@code node-restriction.kubernetes.io/} labels or {@code kubernetes.io}/{@code k8s.io} labels other than the
 *       kubelet's own, without touching its taints and without a {@code configSource};</li>
 *   <li>use only its own Lease in {@code kube-node-lease}, owned (if at all) by its own Node;</li>
 *   <li>update the status of pods bound to it, and delete pods bound to it once they are terminating (a deletion
 *       timestamp) or finished (phase Succeeded or Failed) — Berth's rule, stricter than Kubernetes, so a node cannot
 *       kill running workloads; it never creates pods (Berth has no static or mirror pods) and never changes a pod's
 *       spec or metadata;</li>
 *   <li>request ServiceAccount tokens only bound to a pod on itself ({@link #admitTokenRequest}) and renew only its own
 *       credential ({@link #admitNodeToken}).</li>
 * </ul>
 * Every refusal is 403 Forbidden with Kubernetes' wording. Requests of anyone but a node pass untouched.
 * Stateless and thread safe.
 */
public final class NodeRestriction {

    /** The admission operation, as Kubernetes names it. */
    public enum Operation { CREATE, UPDATE, DELETE }

    public static final String NODES_GROUP = "system:nodes";
    public static final String NODE_USER_PREFIX = "system:node:";
    public static final String LEASE_NAMESPACE = "kube-node-lease";
    static final String RESTRICTED_LABEL_NAMESPACE = "node-restriction.kubernetes.io";

    /** The labels a kubelet may set on its own Node (k8s.io/kubelet/pkg/apis, well_known_labels.go). */
    private static final Set<String> KUBELET_LABELS = Set.of(
            "kubernetes.io/hostname",
            "topology.kubernetes.io/zone",
            "topology.kubernetes.io/region",
            "failure-domain.beta.kubernetes.io/zone",
            "failure-domain.beta.kubernetes.io/region",
            "beta.kubernetes.io/instance-type",
            "node.kubernetes.io/instance-type",
            "kubernetes.io/os",
            "kubernetes.io/arch",
            "beta.kubernetes.io/os",
            "beta.kubernetes.io/arch");
    private static final Set<String> KUBELET_LABEL_NAMESPACES = Set.of("kubelet.kubernetes.io", "node.kubernetes.io");

    /**
     * Admits one write of a node.
     *
     * @param subresource "" for the object itself, or e.g. {@code status}
     * @param name        the object's name (on create, the name in the body)
     * @param obj         the object as it would be stored (create, update), or null (delete)
     * @param old         the stored object (update, delete), or null (create)
     * @throws ApiException 403 when the node may not do this
     */
    public void admit(UserInfo user, Operation op, ResourceType type, String subresource, String namespace,
                      String name, HasMetadata obj, HasMetadata old) {
        Optional<String> identity = nodeIdentity(user);
        if (identity.isEmpty()) {
            return;
        }
        String node = identity.get();
        if (node.isEmpty()) {
            throw forbidden(type, name, "could not determine node from user " + quote(user.name()));
        }
        if (type.group().isEmpty()) {
            switch (type.resource()) {
                case "pods" -> admitPod(node, op, type, subresource, name, obj, old);
                case "nodes" -> admitNode(node, op, type, name, obj, old);
                default -> {
                }
            }
        } else if (type.group().equals("coordination.k8s.io") && type.resource().equals("leases")) {
            admitLease(node, op, type, namespace, name, obj);
        }
    }

    /**
     * Kubernetes' TokenRequest rule for nodes ({@code serviceaccounts/<name>/token}): a node may only ask for a token
     * bound to a pod scheduled on itself, named by uid so that a pod deleted and recreated under the same name does
     * not inherit it. Anyone else passes. The node authorizer has already checked that a pod on the node uses the
     * service account.
     *
     * @param serviceAccount the service account on the URL
     * @param pod            the pod the request's {@code spec.boundObjectRef} names, read from storage; null when it
     *                       does not exist (404)
     * @throws ApiException 403 (or 404 for a missing pod) when the node may not have this token
     */
    public void admitTokenRequest(UserInfo user, String namespace, String serviceAccount, TokenRequest request,
                                  Pod pod) {
        Optional<String> identity = nodeIdentity(user);
        if (identity.isEmpty()) {
            return;
        }
        String node = identity.get();
        if (node.isEmpty()) {
            throw forbiddenToken(serviceAccount, "could not determine node from user " + quote(user.name()));
        }
        BoundObjectReference ref = request.getSpec() == null ? null : request.getSpec().getBoundObjectRef();
        if (ref == null || !"v1".equals(ref.getApiVersion()) || !"Pod".equals(ref.getKind()) || empty(ref.getName())) {
            throw forbiddenToken(serviceAccount, "node requested token not bound to a pod");
        }
        if (empty(ref.getUid())) {
            throw forbiddenToken(serviceAccount, "node requested token with a pod binding without a uid");
        }
        if (pod == null || !namespace.equals(pod.getMetadata().getNamespace())
                || !ref.getName().equals(pod.getMetadata().getName())) {
            throw StatusErrors.notFound("pods", ref.getName());
        }
        if (!ref.getUid().equals(pod.getMetadata().getUid())) {
            throw forbiddenToken(serviceAccount, "the UID in the bound object reference (" + ref.getUid()
                    + ") does not match the UID in record. The object might have been deleted and then recreated");
        }
        if (!node.equals(nodeName(pod))) {
            throw forbiddenToken(serviceAccount, "node requested token bound to a pod scheduled on a different node");
        }
    }

    /** {@link #admitTokenRequest(UserInfo, String, String, TokenRequest, Pod)} naming the account from the body. */
    public void admitTokenRequest(UserInfo user, String namespace, TokenRequest request, Pod pod) {
        String name = request.getMetadata() == null ? null : request.getMetadata().getName();
        admitTokenRequest(user, namespace, name == null ? "" : name, request, pod);
    }

    /**
     * {@code nodes/<name>/token} (a node renewing its credential): only for its own Node. Anyone else passes.
     *
     * @throws ApiException 403 for another node's name
     */
    public void admitNodeToken(UserInfo user, String name) {
        Optional<String> identity = nodeIdentity(user);
        if (identity.isPresent() && !identity.get().equals(name)) {
            throw forbidden("", "nodes", name, "node " + quote(identity.get()) + " is not allowed to modify node "
                    + quote(name));
        }
    }

    /**
     * The node a user is, as Kubernetes' node identifier decides: a name {@code system:node:<name>} and the group
     * {@code system:nodes}. Empty when the user is not a node; a present empty string when it is one without a name.
     */
    public static Optional<String> nodeIdentity(UserInfo user) {
        if (user == null || !user.name().startsWith(NODE_USER_PREFIX) || !user.inGroup(NODES_GROUP)) {
            return Optional.empty();
        }
        return Optional.of(user.name().substring(NODE_USER_PREFIX.length()));
    }

    private void admitPod(String node, Operation op, ResourceType type, String subresource, String name,
                          HasMetadata obj, HasMetadata old) {
        switch (subresource) {
            case "" -> {
                switch (op) {
                    case CREATE -> throw forbidden(type, name, "node " + quote(node)
                            + " can not create pods: Berth has no static or mirror pods");
                    case DELETE -> {
                        Pod pod = (Pod) old;
                        if (!node.equals(nodeName(pod))) {
                            throw forbidden(type, name, "node " + quote(node)
                                    + " can only delete pods with spec.nodeName set to itself");
                        }
                        if (!terminatingOrFinished(pod)) {
                            throw forbidden(type, name, "node " + quote(node) + " can only delete pods that are"
                                    + " terminating (metadata.deletionTimestamp set) or finished (status.phase"
                                    + " Succeeded or Failed)");
                        }
                    }
                    default -> throw forbidden(type, name, "unexpected operation " + quote(op.name()) + ", node "
                            + quote(node) + " can only update the status of pods and delete them");
                }
            }
            case "status" -> {
                if (op != Operation.UPDATE) {
                    throw forbidden(type, name, "unexpected operation " + quote(op.name()));
                }
                Pod before = (Pod) old;
                if (!node.equals(nodeName(before))) {
                    throw forbidden(type, name, "node " + quote(node)
                            + " can only update pod status for pods with spec.nodeName set to itself");
                }
                if (!labels(before).equals(labels(obj))) {
                    throw forbidden(type, name, "node " + quote(node) + " cannot update labels through pod status");
                }
            }
            case "eviction" -> {
                if (op != Operation.CREATE) {
                    throw forbidden(type, name, "unexpected operation " + op.name());
                }
                if (!node.equals(nodeName((Pod) old))) {
                    throw forbidden(type, name, "node " + node + " can only evict pods with spec.nodeName set to itself");
                }
            }
            default -> throw forbidden(type, name, "unexpected pod subresource " + quote(subresource)
                    + ", only 'status' and 'eviction' are allowed");
        }
    }

    private void admitNode(String node, Operation op, ResourceType type, String name, HasMetadata obj,
                           HasMetadata old) {
        if (!node.equals(name)) {
            throw forbidden(type, name, "node " + quote(node) + " is not allowed to modify node " + quote(name));
        }
        if (op == Operation.CREATE) {
            Node created = (Node) obj;
            if (configSource(created) != null) {
                // Kubernetes' wording, "pods" included
                throw forbidden(type, name, "node " + quote(node)
                        + " is not allowed to create pods with a non-nil configSource");
            }
            Set<String> forbiddenLabels = forbiddenLabels(modifiedLabels(labels(created), Map.of()));
            if (!forbiddenLabels.isEmpty()) {
                throw forbidden(type, name, "node " + quote(node) + " is not allowed to set the following labels: "
                        + String.join(", ", forbiddenLabels));
            }
        } else if (op == Operation.UPDATE) {
            Node updated = (Node) obj;
            Node before = (Node) old;
            NodeConfigSource source = configSource(updated);
            if (source != null && !source.equals(configSource(before))) {
                throw forbidden(type, name, "node " + quote(node)
                        + " is not allowed to update configSource to a new non-nil configSource");
            }
            if (!taints(updated).equals(taints(before))) {
                throw forbidden(type, name, "node " + quote(node) + " is not allowed to modify taints");
            }
            Set<String> forbiddenLabels = forbiddenLabels(modifiedLabels(labels(updated), labels(before)));
            if (!forbiddenLabels.isEmpty()) {
                throw forbidden(type, name, "is not allowed to modify labels: " + String.join(", ", forbiddenLabels));
            }
        }
    }

    private void admitLease(String node, Operation op, ResourceType type, String namespace, String name,
                            HasMetadata obj) {
        if (!LEASE_NAMESPACE.equals(namespace)) {
            throw forbidden(type, name, "can only access leases in the " + quote(LEASE_NAMESPACE)
                    + " system namespace");
        }
        if (!node.equals(name)) {
            throw forbidden(type, name, "can only access node lease with the same name as the requesting node");
        }
        // Berth's addition: a node's Lease may be owned only by that node's Node (the kubelet sets exactly this
        // owner), so a node cannot hang its Lease under another object and have it collected with it
        if (obj != null && obj.getMetadata().getOwnerReferences() != null) {
            for (OwnerReference owner : obj.getMetadata().getOwnerReferences()) {
                if (!"v1".equals(owner.getApiVersion()) || !"Node".equals(owner.getKind())
                        || !node.equals(owner.getName())) {
                    throw forbidden(type, name, "node " + quote(node)
                            + " can only set an owner reference to its own Node on its lease");
                }
            }
        }
    }

    /** Kubernetes' {@code getModifiedLabels}: keys added, removed or changed. */
    static Set<String> modifiedLabels(Map<String, String> a, Map<String, String> b) {
        Set<String> modified = new TreeSet<>();
        a.forEach((k, v) -> {
            if (!v.equals(b.get(k))) {
                modified.add(k);
            }
        });
        b.forEach((k, v) -> {
            if (!v.equals(a.get(k))) {
                modified.add(k);
            }
        });
        return modified;
    }

    /**
     * Kubernetes' {@code getForbiddenLabels}: labels in (a subdomain of) {@code node-restriction.kubernetes.io}, and
     * {@code kubernetes.io}/{@code k8s.io} labels that are not the kubelet's own. Sorted, as Kubernetes lists them.
     */
    static Set<String> forbiddenLabels(Set<String> modified) {
        Set<String> forbidden = new TreeSet<>();
        for (String label : modified) {
            String ns = labelNamespace(label);
            if (ns.equals(RESTRICTED_LABEL_NAMESPACE) || ns.endsWith("." + RESTRICTED_LABEL_NAMESPACE)) {
                forbidden.add(label);
            }
            if (isKubernetesLabel(ns) && !isKubeletLabel(label, ns)) {
                forbidden.add(label);
            }
        }
        return forbidden;
    }

    private static boolean isKubernetesLabel(String ns) {
        return ns.equals("kubernetes.io") || ns.endsWith(".kubernetes.io") || ns.equals("k8s.io")
                || ns.endsWith(".k8s.io");
    }

    private static boolean isKubeletLabel(String label, String ns) {
        if (KUBELET_LABELS.contains(label)) {
            return true;
        }
        for (String allowed : KUBELET_LABEL_NAMESPACES) {
            if (ns.equals(allowed) || ns.endsWith("." + allowed)) {
                return true;
            }
        }
        return false;
    }

    private static String labelNamespace(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? "" : key.substring(0, slash);
    }

    private static boolean terminatingOrFinished(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return true;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static String nodeName(Pod pod) {
        return pod == null || pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    }

    private static Map<String, String> labels(HasMetadata obj) {
        Map<String, String> labels = obj == null ? null : obj.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    private static NodeConfigSource configSource(Node node) {
        return node.getSpec() == null ? null : node.getSpec().getConfigSource();
    }

    // Kubernetes compares with Semantic.DeepEqual, under which a missing list and an empty one are equal
    private static List<Taint> taints(Node node) {
        List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
        return taints == null ? List.of() : taints;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    /** Go's {@code %q} for the names that appear in these messages. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Kubernetes' {@code admission.NewForbidden}: the group-resource and, when known, the name. */
    static ApiException forbidden(ResourceType type, String name, String why) {
        return forbidden(type.group(), type.resource(), name, why);
    }

    static ApiException forbidden(String group, String resource, String name, String why) {
        String qualified = group.isEmpty() ? resource : resource + "." + group;
        boolean named = name != null && !name.isEmpty();
        String message = named ? qualified + " " + quote(name) + " is forbidden: " + why
                : qualified + " is forbidden: " + why;
        return new ApiException(StatusErrors.status(403, "Forbidden", message, new StatusDetailsBuilder()
                .withName(named ? name : null).withGroup(group.isEmpty() ? null : group).withKind(resource).build()));
    }

    private static ApiException forbiddenToken(String serviceAccount, String why) {
        return forbidden("", "serviceaccounts", serviceAccount, why);
    }
}
