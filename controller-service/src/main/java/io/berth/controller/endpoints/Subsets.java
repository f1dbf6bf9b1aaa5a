package io.berth.controller.endpoints;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import static io.berth.controller.endpoints.PodEndpoints.emptyToNull;

/**
 * An Endpoints object's subsets as values: Kubernetes' {@code RepackSubsets} (addresses offering the same ports share
 * one subset), a deterministic order (so equal inputs give equal outputs and a no-op sync writes nothing), the
 * truncation to {@value #MAX_CAPACITY} addresses, and conversions from and to the API model that drop what the
 * comparison must ignore (a target's resourceVersion; empty strings against absent ones). Pure; thread safe.
 */
final class Subsets {

    /** Kubernetes' limit on the addresses of one Endpoints object. */
    static final int MAX_CAPACITY = 1000;

    record Ref(String apiVersion, String kind, String namespace, String name, String uid, String fieldPath) {
    }

    record Address(String ip, String hostname, String nodeName, Ref targetRef) {
        /** Kubernetes tells addresses apart by IP and target UID. */
        String key() {
            return ip + "/" + (targetRef == null ? "" : Objects.toString(targetRef.uid(), ""));
        }
    }

    record Port(String name, int port, String protocol, String appProtocol) {
    }

    record Subset(List<Address> addresses, List<Address> notReadyAddresses, List<Port> ports) {
        int size() {
            return addresses.size() + notReadyAddresses.size();
        }
    }

    /** One address offering one port (null: a headless Service without ports), ready or not. */
    record Entry(Address address, boolean ready, Port port) {
    }

    /** Subsets after truncation, and whether any address was left out. */
    record Truncated(List<Subset> subsets, boolean truncated) {
    }

    static final Comparator<Address> BY_IP_AND_UID = Comparator.comparing(Address::ip)
            .thenComparing(a -> a.targetRef() == null ? "" : Objects.toString(a.targetRef().uid(), ""));
    static final Comparator<Port> PORT_ORDER = Comparator.comparing((Port p) -> Objects.toString(p.name(), ""))
            .thenComparingInt(Port::port).thenComparing(Port::protocol)
            .thenComparing(p -> Objects.toString(p.appProtocol(), ""));

    private Subsets() {
    }

    /**
     * Kubernetes' {@code RepackSubsets}: maps each port to the addresses offering it (an address not ready for a port
     * stays not ready even if another entry says ready), then gathers ports offered by exactly the same addresses
     * into one subset. Addresses are sorted by IP and UID, ports by name, number and protocol, subsets by content.
     */
    static List<Subset> repack(List<Entry> entries) {
        Map<String, Address> addresses = new LinkedHashMap<>();
        // port (null key for "no ports") -> address key -> ready
        Map<Port, Map<String, Boolean>> byPort = new LinkedHashMap<>();
        for (Entry e : entries) {
            String key = e.address().key();
            addresses.putIfAbsent(key, e.address());
            Map<String, Boolean> ready = byPort.computeIfAbsent(e.port(), p -> new TreeMap<>());
            Boolean was = ready.get(key);
            if (was == null || was) {
                ready.put(key, e.ready());
            }
        }
        // the set of (address, ready) pairs -> the ports offered by exactly that set
        Map<Map<String, Boolean>, List<Port>> groups = new LinkedHashMap<>();
        for (Map.Entry<Port, Map<String, Boolean>> e : byPort.entrySet()) {
            List<Port> ports = groups.computeIfAbsent(e.getValue(), k -> new ArrayList<>());
            if (e.getKey() != null) {
                ports.add(e.getKey());
            }
        }
        List<Subset> result = new ArrayList<>();
        for (Map.Entry<Map<String, Boolean>, List<Port>> g : groups.entrySet()) {
            List<Address> ready = new ArrayList<>();
            List<Address> notReady = new ArrayList<>();
            g.getKey().forEach((key, isReady) -> (isReady ? ready : notReady).add(addresses.get(key)));
            ready.sort(BY_IP_AND_UID);
            notReady.sort(BY_IP_AND_UID);
            List<Port> ports = new ArrayList<>(g.getValue());
            ports.sort(PORT_ORDER);
            result.add(new Subset(List.copyOf(ready), List.copyOf(notReady), List.copyOf(ports)));
        }
        result.sort(Comparator.comparing(Subset::toString));
        return List.copyOf(result);
    }

    /**
     * Kubernetes' {@code truncateEndpoints}: beyond {@value #MAX_CAPACITY} addresses, keep ready addresses first and
     * share what is kept among subsets in proportion to their size (rounded up, the last subset getting what is left).
     */
    static Truncated truncate(List<Subset> subsets, int maxCapacity) {
        int totalReady = 0;
        int totalNotReady = 0;
        for (Subset s : subsets) {
            totalReady += s.addresses().size();
            totalNotReady += s.notReadyAddresses().size();
        }
        if (totalReady + totalNotReady <= maxCapacity) {
            return new Truncated(subsets, false);
        }
        boolean truncateReady = totalReady > maxCapacity;
        int max = truncateReady ? maxCapacity : maxCapacity - totalReady;
        int total = truncateReady ? totalReady : totalNotReady;
        int canBeAdded = max;
        List<Subset> result = new ArrayList<>();
        for (Subset s : subsets) {
            int inSubset = truncateReady ? s.addresses().size() : s.notReadyAddresses().size();
            int toBeAdded = (int) Math.ceil((double) inSubset / total * max);
            toBeAdded = Math.min(toBeAdded, canBeAdded);
            if (truncateReady) {
                List<Address> kept = first(s.addresses(), toBeAdded);
                result.add(new Subset(kept, List.of(), s.ports()));
                canBeAdded -= kept.size();
            } else {
                List<Address> kept = first(s.notReadyAddresses(), toBeAdded);
                result.add(new Subset(s.addresses(), kept, s.ports()));
                canBeAdded -= kept.size();
            }
        }
        return new Truncated(List.copyOf(result), true);
    }

    private static List<Address> first(List<Address> addresses, int n) {
        return addresses.size() <= n ? addresses : List.copyOf(addresses.subList(0, Math.max(0, n)));
    }

    /** The values of an Endpoints object's subsets as stored (order kept: it is compared as it is). */
    static List<Subset> of(List<EndpointSubset> subsets) {
        if (subsets == null) {
            return List.of();
        }
        List<Subset> result = new ArrayList<>();
        for (EndpointSubset s : subsets) {
            List<Port> ports = new ArrayList<>();
            if (s.getPorts() != null) {
                for (EndpointPort p : s.getPorts()) {
                    ports.add(new Port(emptyToNull(p.getName()), p.getPort() == null ? 0 : p.getPort(),
                            PodEndpoints.protocol(p.getProtocol()), emptyToNull(p.getAppProtocol())));
                }
            }
            result.add(new Subset(addresses(s.getAddresses()), addresses(s.getNotReadyAddresses()),
                    List.copyOf(ports)));
        }
        return List.copyOf(result);
    }

    private static List<Address> addresses(List<EndpointAddress> addresses) {
        if (addresses == null) {
            return List.of();
        }
        List<Address> result = new ArrayList<>();
        for (EndpointAddress a : addresses) {
            ObjectReference r = a.getTargetRef();
            Ref ref = r == null ? null : new Ref(emptyToNull(r.getApiVersion()), emptyToNull(r.getKind()),
                    emptyToNull(r.getNamespace()), emptyToNull(r.getName()), emptyToNull(r.getUid()),
                    emptyToNull(r.getFieldPath()));
            result.add(new Address(a.getIp(), emptyToNull(a.getHostname()), emptyToNull(a.getNodeName()), ref));
        }
        return List.copyOf(result);
    }

    /** The API model of {@code subsets}. */
    static List<EndpointSubset> toModel(List<Subset> subsets) {
        List<EndpointSubset> result = new ArrayList<>();
        for (Subset s : subsets) {
            result.add(new EndpointSubsetBuilder()
                    .withAddresses(s.addresses().stream().map(Subsets::toModel).toList())
                    .withNotReadyAddresses(s.notReadyAddresses().stream().map(Subsets::toModel).toList())
                    .withPorts(s.ports().stream().map(p -> new EndpointPortBuilder().withName(p.name())
                            .withPort(p.port()).withProtocol(p.protocol()).withAppProtocol(p.appProtocol())
                            .build()).toList())
                    .build());
        }
        return result;
    }

    private static EndpointAddress toModel(Address a) {
        EndpointAddressBuilder b = new EndpointAddressBuilder().withIp(a.ip()).withHostname(a.hostname())
                .withNodeName(a.nodeName());
        if (a.targetRef() != null) {
            Ref r = a.targetRef();
            b.withTargetRef(new ObjectReferenceBuilder().withApiVersion(r.apiVersion()).withKind(r.kind())
                    .withNamespace(r.namespace()).withName(r.name()).withUid(r.uid()).withFieldPath(r.fieldPath())
                    .build());
        }
        return b.build();
    }
}
