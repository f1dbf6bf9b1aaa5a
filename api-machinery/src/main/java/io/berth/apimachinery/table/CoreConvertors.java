package io.berth.apimachinery.table;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.berth.apimachinery.table.Convertors.age;
import static io.berth.apimachinery.table.Convertors.name;
import static io.berth.apimachinery.table.PodPrinter.list;
import static io.berth.apimachinery.table.PodPrinter.str;

/** Core group printers: pods, nodes, namespaces, configmaps, secrets, serviceaccounts, endpoints, events. */
final class CoreConvertors {

    private CoreConvertors() {
    }

    static void register(Map<String, TableConvertor> m) {
        m.put(Convertors.key("", "pods"), Columns.builder().name()
                .string("Ready", "The aggregate readiness state of this pod for accepting traffic.")
                .string("Status", "The aggregate status of the containers in this pod.")
                .string("Restarts", "The number of times the containers in this pod have been restarted and when"
                        + " the last container in this pod has restarted.")
                .age()
                .wide("IP", "podIP address allocated to the pod. Routable at least within the cluster.")
                .wide("Node", "NodeName indicates in which node this pod is scheduled.")
                .wide("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node.")
                .wide("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.")
                .cells(Pod.class, PodPrinter::cells));
        m.put(Convertors.key("", "nodes"), Columns.builder().name()
                .string("Status", "The status of the node")
                .string("Roles", "The roles of the node")
                .age()
                .string("Version", "Kubelet Version reported by the node.")
                .wide("Internal-IP", "List of addresses reachable to the node.")
                .wide("External-IP", "List of addresses reachable to the node.")
                .wide("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).")
                .wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).")
                .wide("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API"
                        + " (e.g. containerd://1.4.2).")
                .cells(Node.class, CoreConvertors::node));
        m.put(Convertors.key("", "namespaces"), Columns.builder().name()
                .string("Status", "The status of the namespace").age()
                .cells(Namespace.class, (ns, now) -> cells(name(ns),
                        ns.getStatus() == null ? "" : str(ns.getStatus().getPhase()), age(ns, now))));
        m.put(Convertors.key("", "configmaps"), Columns.builder().name()
                .string("Data", "Data contains the configuration data.").age()
                .cells(ConfigMap.class, (cm, now) -> cells(name(cm),
                        (long) (size(cm.getData()) + size(cm.getBinaryData())), age(cm, now))));
        m.put(Convertors.key("", "secrets"), Columns.builder().name()
                .string("Type", "Used to facilitate programmatic handling of secret data.")
                .string("Data", "Data contains the secret data.").age()
                .cells(Secret.class, (s, now) -> cells(name(s), str(s.getType()),
                        (long) io.berth.apimachinery.table.Secrets.keyCount(s), age(s, now))));
        m.put(Convertors.key("", "serviceaccounts"), Columns.builder().name()
                .string("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using"
                        + " this ServiceAccount are allowed to use.").age()
                .cells(ServiceAccount.class, (sa, now) -> cells(name(sa), (long) list(sa.getSecrets()).size(),
                        age(sa, now))));
        m.put(Convertors.key("", "endpoints"), Columns.builder().name()
                .string("Endpoints", "The set of all endpoints is the union of all subsets.").age()
                .cells(Endpoints.class, (ep, now) -> cells(name(ep), formatEndpoints(ep), age(ep, now))));
        m.put(Convertors.key("", "events"), Columns.builder()
                .string("Last Seen", "The time at which the most recent occurrence of this event was recorded.")
                .string("Type", "Type of this event (Normal, Warning), new types could be added in the future")
                .string("Reason", "This should be a short, machine understandable string that gives the reason for"
                        + " the transition into the object's current status.")
                .string("Object", "The object that this event is about.")
                .wide("Subobject", "If referring to a piece of an object instead of an entire object, this string"
                        + " should contain a valid JSON/Go field access statement, such as"
                        + " desiredState.manifest.containers[2].")
                .wide("Source", "The component reporting this event. Should be a short machine understandable string.")
                .string("Message", "A human-readable description of the status of this operation.")
                .wide("First Seen", "The time at which the event was first recorded. (Time of server receipt is in"
                        + " TypeMeta.)")
                .wide("Count", "The number of times this event has occurred.")
                .add("Name", "string", "name", 1, Columns.NAME_DOC)
                .cells(Event.class, EventPrinter::cells));
        m.put(Convertors.key("", "services"), ServicePrinter.CONVERTOR);
        m.put(Convertors.key("", "resourcequotas"), ServicePrinter.QUOTA_CONVERTOR);
    }

    private static List<Object> node(Node node, java.time.Instant now) {
        List<String> status = new ArrayList<>();
        List<NodeCondition> conditions = node.getStatus() == null ? List.of() : list(node.getStatus().getConditions());
        NodeCondition ready = null;
        for (NodeCondition c : conditions) {
            if ("Ready".equals(c.getType())) {
                ready = c;
            }
        }
        if (ready != null) {
            status.add("True".equals(ready.getStatus()) ? "Ready" : "NotReady");
        } else {
            status.add("Unknown");
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            status.add("SchedulingDisabled");
        }
        TreeSet<String> roles = new TreeSet<>();
        Map<String, String> labels = node.getMetadata() == null || node.getMetadata().getLabels() == null
                ? Map.of() : node.getMetadata().getLabels();
        labels.forEach((k, v) -> {
            if (k.startsWith("node-role.kubernetes.io/")) {
                String role = k.substring("node-role.kubernetes.io/".length());
                if (!role.isEmpty()) {
                    roles.add(role);
                }
            } else if (k.equals("kubernetes.io/role") && v != null && !v.isEmpty()) {
                roles.add(v);
            }
        });
        NodeSystemInfo info = node.getStatus() == null || node.getStatus().getNodeInfo() == null
                ? new NodeSystemInfo() : node.getStatus().getNodeInfo();
        List<NodeAddress> addresses = node.getStatus() == null ? List.of() : list(node.getStatus().getAddresses());
        return cells(name(node), String.join(",", status), roles.isEmpty() ? "<none>" : String.join(",", roles),
                age(node, now), str(info.getKubeletVersion()), address(addresses, "InternalIP"),
                address(addresses, "ExternalIP"), unknownIfEmpty(info.getOsImage()),
                unknownIfEmpty(info.getKernelVersion()), unknownIfEmpty(info.getContainerRuntimeVersion()));
    }

    private static String address(List<NodeAddress> addresses, String type) {
        return addresses.stream().filter(a -> type.equals(a.getType())).map(a -> str(a.getAddress()))
                .findFirst().orElse("<none>");
    }

    private static String unknownIfEmpty(String s) {
        return s == null || s.isEmpty() ? "<unknown>" : s;
    }

    /** Up to three {@code ip:port} endpoints, then {@code + N more...}. */
    static String formatEndpoints(Endpoints ep) {
        List<EndpointSubset> subsets = list(ep.getSubsets());
        if (subsets.isEmpty()) {
            return "<none>";
        }
        List<String> shown = new ArrayList<>();
        int max = 3;
        boolean more = false;
        int count = 0;
        for (EndpointSubset ss : subsets) {
            List<EndpointAddress> addresses = list(ss.getAddresses());
            if (list(ss.getPorts()).isEmpty()) {
                count += addresses.size();
                for (EndpointAddress a : addresses) {
                    if (shown.size() == max) {
                        more = true;
                        break;
                    }
                    shown.add(str(a.getIp()));
                }
                continue;
            }
            for (EndpointPort port : list(ss.getPorts())) {
                count += addresses.size();
                for (EndpointAddress a : addresses) {
                    if (shown.size() == max) {
                        more = true;
                        break;
                    }
                    String ip = str(a.getIp());
                    shown.add((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + (port.getPort() == null ? 0 : port.getPort()));
                }
            }
        }
        String ret = String.join(",", shown);
        return more ? ret + " + " + (count - max) + " more..." : ret;
    }

    static List<Object> cells(Object... values) {
        return new ArrayList<>(List.of(values));
    }

    private static int size(Map<?, ?> m) {
        return m == null ? 0 : m.size();
    }
}
