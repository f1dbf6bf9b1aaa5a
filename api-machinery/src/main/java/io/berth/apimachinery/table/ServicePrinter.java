package io.berth.apimachinery.table;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.berth.apimachinery.table.Convertors.age;
import static io.berth.apimachinery.table.Convertors.name;
import static io.berth.apimachinery.table.PodPrinter.list;
import static io.berth.apimachinery.table.PodPrinter.str;

/** Service rows ({@code 80/TCP}, {@code 80:30080/TCP}, external IPs) and ResourceQuota rows. */
final class ServicePrinter {

    static final TableConvertor CONVERTOR = Columns.builder().name()
            .string("Type", "type determines how the Service is exposed.")
            .string("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly.")
            .string("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also"
                    + " accept traffic for this service.")
            .string("Port(s)", "The list of ports that are exposed by this service.")
            .age()
            .wide("Selector", "Route service traffic to pods with label keys and values matching this selector.")
            .cells(Service.class, ServicePrinter::cells);

    static final TableConvertor QUOTA_CONVERTOR = Columns.builder().name()
            .string("Request", "Request represents a minimum amount of cpu/memory that a container may consume.")
            .string("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent"
                    + " of contention on the node.")
            .age()
            .cells(ResourceQuota.class, ServicePrinter::quota);

    private ServicePrinter() {
    }

    static List<Object> cells(Service svc, Instant now) {
        ServiceSpec spec = svc.getSpec() == null ? new ServiceSpec() : svc.getSpec();
        String clusterIP = spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty() ? spec.getClusterIPs().get(0)
                : str(spec.getClusterIP()).isEmpty() ? "<none>" : spec.getClusterIP();
        String ports = portString(list(spec.getPorts()));
        return CoreConvertors.cells(name(svc), str(spec.getType()), clusterIP, externalIP(svc),
                ports.isEmpty() ? "<none>" : ports, age(svc, now), Convertors.formatLabels(spec.getSelector()));
    }

    static String portString(List<ServicePort> ports) {
        List<String> pieces = new ArrayList<>();
        for (ServicePort p : ports) {
            int port = p.getPort() == null ? 0 : p.getPort();
            int nodePort = p.getNodePort() == null ? 0 : p.getNodePort();
            String protocol = str(p.getProtocol());
            pieces.add(nodePort > 0 ? port + ":" + nodePort + "/" + protocol : port + "/" + protocol);
        }
        return String.join(",", pieces);
    }

    private static String externalIP(Service svc) {
        ServiceSpec spec = svc.getSpec() == null ? new ServiceSpec() : svc.getSpec();
        List<String> external = list(spec.getExternalIPs());
        switch (str(spec.getType())) {
            case "ClusterIP", "NodePort" -> {
                return external.isEmpty() ? "<none>" : String.join(",", external);
            }
            case "LoadBalancer" -> {
                TreeSet<String> lb = new TreeSet<>();
                List<LoadBalancerIngress> ingress = svc.getStatus() == null || svc.getStatus().getLoadBalancer() == null
                        ? List.of() : list(svc.getStatus().getLoadBalancer().getIngress());
                for (LoadBalancerIngress i : ingress) {
                    if (!str(i.getIp()).isEmpty()) {
                        lb.add(i.getIp());
                    } else if (!str(i.getHostname()).isEmpty()) {
                        lb.add(i.getHostname());
                    }
                }
                // the server renders the wide form, which is not clipped
                String lbIps = String.join(",", lb);
                if (!external.isEmpty()) {
                    List<String> results = new ArrayList<>(lb);
                    results.addAll(external);
                    return String.join(",", results);
                }
                return lbIps.isEmpty() ? "<pending>" : lbIps;
            }
            case "ExternalName" -> {
                return str(spec.getExternalName());
            }
            default -> {
                return "<unknown>";
            }
        }
    }

    private static List<Object> quota(ResourceQuota quota, Instant now) {
        Map<String, Quantity> hard = quota.getStatus() == null || quota.getStatus().getHard() == null
                ? Map.of() : quota.getStatus().getHard();
        Map<String, Quantity> used = quota.getStatus() == null || quota.getStatus().getUsed() == null
                ? Map.of() : quota.getStatus().getUsed();
        List<String> requests = new ArrayList<>();
        List<String> limits = new ArrayList<>();
        for (Map.Entry<String, Quantity> e : new TreeMap<>(hard).entrySet()) {
            String entry = e.getKey() + ": " + quantity(used.get(e.getKey())) + "/" + quantity(e.getValue());
            String[] pieces = e.getKey().split("\\.");
            (pieces.length > 1 && pieces[0].equals("limits") ? limits : requests).add(entry);
        }
        return CoreConvertors.cells(name(quota), String.join(", ", requests), String.join(", ", limits),
                age(quota, now));
    }

    private static String quantity(Quantity q) {
        if (q == null) {
            return "0";
        }
        return str(q.getAmount()) + str(q.getFormat());
    }
}
