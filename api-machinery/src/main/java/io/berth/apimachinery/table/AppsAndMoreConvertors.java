package io.berth.apimachinery.table;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.berth.apimachinery.table.Convertors.age;
import static io.berth.apimachinery.table.Convertors.name;
import static io.berth.apimachinery.table.CoreConvertors.cells;
import static io.berth.apimachinery.table.PodPrinter.list;
import static io.berth.apimachinery.table.PodPrinter.str;

/** Printers outside the core group: workloads, leases, priority classes, RBAC bindings, networking, discovery. */
final class AppsAndMoreConvertors {

    private static final String CONTAINERS_DOC = "Names of each container in the template.";
    private static final String IMAGES_DOC = "Images referenced by each container in the template.";
    private static final String SELECTOR_DOC = "Label selector for pods.";

    private AppsAndMoreConvertors() {
    }

    static void register(Map<String, TableConvertor> m) {
        m.put(Convertors.key("apps", "deployments"), Columns.builder().name()
                .string("Ready", "Number of the pod with ready state")
                .string("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have"
                        + " the desired template spec.")
                .string("Available", "Total number of available pods (ready for at least minReadySeconds) targeted"
                        + " by this deployment.")
                .age().wide("Containers", CONTAINERS_DOC).wide("Images", IMAGES_DOC).wide("Selector", SELECTOR_DOC)
                .cells(Deployment.class, AppsAndMoreConvertors::deployment));
        m.put(Convertors.key("apps", "replicasets"), Columns.builder().name()
                .integer("Desired", "Replicas is the number of desired replicas.")
                .integer("Current", "Replicas is the most recently observed number of replicas.")
                .integer("Ready", "The number of ready replicas for this replica set.")
                .age().wide("Containers", CONTAINERS_DOC).wide("Images", IMAGES_DOC).wide("Selector", SELECTOR_DOC)
                .cells(ReplicaSet.class, AppsAndMoreConvertors::replicaSet));
        m.put(Convertors.key("coordination.k8s.io", "leases"), Columns.builder().name()
                .string("Holder", "holderIdentity contains the identity of the holder of a current lease.").age()
                .cells(Lease.class, (l, now) -> cells(name(l),
                        l.getSpec() == null ? "" : str(l.getSpec().getHolderIdentity()), age(l, now))));
        m.put(Convertors.key("scheduling.k8s.io", "priorityclasses"), Columns.builder().name()
                .integer("Value", "value represents the integer value of this priority class.")
                .bool("Global-Default", "globalDefault specifies whether this PriorityClass should be considered as"
                        + " the default priority for pods that do not have any priority class.")
                .age()
                .add("PreemptionPolicy", "string", "", 0, "preemptionPolicy is the Policy for preempting pods with"
                        + " lower priority.")
                .cells(PriorityClass.class, (pc, now) -> cells(name(pc),
                        (long) (pc.getValue() == null ? 0 : pc.getValue()), Boolean.TRUE.equals(pc.getGlobalDefault()),
                        age(pc, now), str(pc.getPreemptionPolicy()))));
        TableConvertor roleBindings = bindings("roleBinding", io.fabric8.kubernetes.api.model.rbac.RoleBinding.class);
        m.put(Convertors.key("rbac.authorization.k8s.io", "rolebindings"), roleBindings);
        m.put(Convertors.key("rbac.authorization.k8s.io", "clusterrolebindings"),
                bindings("clusterRoleBinding", ClusterRoleBinding.class));
        m.put(Convertors.key("networking.k8s.io", "networkpolicies"), Columns.builder().name()
                .string("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies.").age()
                .cells(NetworkPolicy.class, (np, now) -> cells(name(np),
                        Convertors.formatLabelSelector(np.getSpec() == null ? null : np.getSpec().getPodSelector()),
                        age(np, now))));
        m.put(Convertors.key("discovery.k8s.io", "endpointslices"), Columns.builder().name()
                .string("AddressType", "addressType specifies the type of address carried by this EndpointSlice.")
                .string("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice.")
                .string("Endpoints", "endpoints is a list of unique endpoints in this slice.")
                .age()
                .cells(EndpointSlice.class, (s, now) -> cells(name(s), str(s.getAddressType()),
                        slicePorts(list(s.getPorts())), sliceEndpoints(list(s.getEndpoints())), age(s, now))));
    }

    private static List<Object> deployment(Deployment d, Instant now) {
        var spec = d.getSpec();
        var status = d.getStatus();
        int desired = spec == null || spec.getReplicas() == null ? 0 : spec.getReplicas();
        int ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
        long updated = status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
        long available = status == null || status.getAvailableReplicas() == null ? 0 : status.getAvailableReplicas();
        String selector;
        try {
            selector = io.berth.apimachinery.selector.LabelSelector.from(spec == null ? null : spec.getSelector())
                    .toString();
        } catch (RuntimeException e) {
            selector = "<invalid>";
        }
        List<Container> containers = containers(spec == null ? null : spec.getTemplate());
        return cells(name(d), ready + "/" + desired, updated, available, age(d, now), names(containers),
                images(containers), selector);
    }

    private static List<Object> replicaSet(ReplicaSet rs, Instant now) {
        var spec = rs.getSpec();
        var status = rs.getStatus();
        long desired = spec == null || spec.getReplicas() == null ? 0 : spec.getReplicas();
        long current = status == null || status.getReplicas() == null ? 0 : status.getReplicas();
        long ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
        List<Container> containers = containers(spec == null ? null : spec.getTemplate());
        return cells(name(rs), desired, current, ready, age(rs, now), names(containers), images(containers),
                Convertors.formatLabelSelector(spec == null ? null : spec.getSelector()));
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> TableConvertor bindings(
            String noun, Class<T> type) {
        return Columns.builder().name()
                .string("Role", "RoleRef can reference a Role in the current namespace or a ClusterRole in the"
                        + " global namespace.")
                .age()
                .wide("Users", "Users in the " + noun)
                .wide("Groups", "Groups in the " + noun)
                .wide("ServiceAccounts", "ServiceAccounts in the " + noun)
                .cells(type, (b, now) -> {
                    RoleRef ref;
                    List<Subject> subjects;
                    if (b instanceof ClusterRoleBinding crb) {
                        ref = crb.getRoleRef();
                        subjects = list(crb.getSubjects());
                    } else {
                        var rb = (io.fabric8.kubernetes.api.model.rbac.RoleBinding) b;
                        ref = rb.getRoleRef();
                        subjects = list(rb.getSubjects());
                    }
                    List<String> users = new ArrayList<>();
                    List<String> groups = new ArrayList<>();
                    List<String> sas = new ArrayList<>();
                    for (Subject s : subjects) {
                        switch (str(s.getKind())) {
                            case "ServiceAccount" -> sas.add(str(s.getNamespace()) + "/" + str(s.getName()));
                            case "User" -> users.add(str(s.getName()));
                            case "Group" -> groups.add(str(s.getName()));
                            default -> {
                            }
                        }
                    }
                    String role = ref == null ? "/" : str(ref.getKind()) + "/" + str(ref.getName());
                    return cells(name(b), role, age(b, now), String.join(", ", users), String.join(", ", groups),
                            String.join(", ", sas));
                });
    }

    private static List<Container> containers(PodTemplateSpec template) {
        return template == null || template.getSpec() == null ? List.of() : list(template.getSpec().getContainers());
    }

    private static String names(List<Container> containers) {
        return String.join(",", containers.stream().map(c -> str(c.getName())).toList());
    }

    private static String images(List<Container> containers) {
        return String.join(",", containers.stream().map(c -> str(c.getImage())).toList());
    }

    private static String slicePorts(List<EndpointPort> ports) {
        List<String> shown = new ArrayList<>();
        for (EndpointPort p : ports) {
            if (shown.size() < 3) {
                shown.add(p.getPort() != null ? String.valueOf(p.getPort()) : p.getName() != null ? p.getName() : "*");
            }
        }
        return withMore(shown, ports.size());
    }

    private static String sliceEndpoints(List<Endpoint> endpoints) {
        List<String> shown = new ArrayList<>();
        int count = 0;
        for (Endpoint e : endpoints) {
            for (String address : list(e.getAddresses())) {
                if (shown.size() < 3) {
                    shown.add(address);
                }
                count++;
            }
        }
        return withMore(shown, count);
    }

    /** Kubernetes' {@code listWithMoreString}: {@code a,b,c + 2 more...}, or {@code <unset>} when empty. */
    private static String withMore(List<String> shown, int count) {
        String ret = String.join(",", shown);
        if (count > 3) {
            return ret + " + " + (count - 3) + " more...";
        }
        return ret.isEmpty() ? "<unset>" : ret;
    }
}
