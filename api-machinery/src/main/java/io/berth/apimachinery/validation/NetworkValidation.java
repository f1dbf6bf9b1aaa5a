package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * NetworkPolicy, Endpoints and EndpointSlice rules. Unlike Kubernetes, loopback and link-local endpoint addresses
 * are accepted: the {@code kubernetes} Service's endpoints point at the gateway on this machine.
 */
final class NetworkValidation {

    private static final List<String> POLICY_TYPES = List.of("Ingress", "Egress");
    private static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
    private static final String CIDR_MESSAGE = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
    private static final String IP_MESSAGE = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

    private NetworkValidation() {
    }

    static List<FieldError> validateNetworkPolicy(NetworkPolicy np) {
        List<FieldError> errs = new ArrayList<>();
        NetworkPolicySpec spec = np.getSpec() == null ? new NetworkPolicySpec() : np.getSpec();
        FieldPath path = FieldPath.of("spec");
        errs.addAll(SelectorValidation.validate(spec.getPodSelector(), path.child("podSelector")));
        List<NetworkPolicyIngressRule> ingress = Errs.list(spec.getIngress());
        for (int i = 0; i < ingress.size(); i++) {
            FieldPath rule = path.child("ingress").index(i);
            errs.addAll(ports(Errs.list(ingress.get(i).getPorts()), rule.child("ports")));
            errs.addAll(peers(Errs.list(ingress.get(i).getFrom()), rule.child("from")));
        }
        List<NetworkPolicyEgressRule> egress = Errs.list(spec.getEgress());
        for (int i = 0; i < egress.size(); i++) {
            FieldPath rule = path.child("egress").index(i);
            errs.addAll(ports(Errs.list(egress.get(i).getPorts()), rule.child("ports")));
            errs.addAll(peers(Errs.list(egress.get(i).getTo()), rule.child("to")));
        }
        List<String> types = Errs.list(spec.getPolicyTypes());
        if (types.size() > 2) {
            errs.add(Errs.invalid(path.child("policyTypes"), GoValue.stringSlice(types),
                    "may not specify more than two policyTypes"));
            return errs;
        }
        for (int i = 0; i < types.size(); i++) {
            if (!POLICY_TYPES.contains(types.get(i))) {
                errs.add(Errs.notSupported(path.child("policyTypes").index(i), types.get(i), POLICY_TYPES));
            }
        }
        return errs;
    }

    private static List<FieldError> ports(List<NetworkPolicyPort> ports, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            NetworkPolicyPort port = ports.get(i);
            FieldPath p = path.index(i);
            if (port.getProtocol() != null && !ContainerValidation.PROTOCOLS.contains(port.getProtocol())) {
                errs.add(Errs.notSupported(p.child("protocol"), port.getProtocol(), List.of("TCP", "UDP", "SCTP")));
            }
            IntOrString number = port.getPort();
            Integer endPort = port.getEndPort();
            if (number != null && number.getValue() != null) {
                if (number.getValue() instanceof String name) {
                    if (endPort != null) {
                        errs.add(Errs.invalid(p.child("endPort"), endPort, "may not be specified when `port` is non-numeric"));
                    }
                    Errs.invalidEach(errs, p.child("port"), name, NameValidation.isValidPortName(name));
                } else {
                    int v = number.getIntVal() == null ? 0 : number.getIntVal();
                    for (String msg : NameValidation.isValidPortNum(v)) {
                        errs.add(Errs.invalid(p.child("port"), v, msg));
                    }
                    if (endPort != null) {
                        if (endPort < v) {
                            errs.add(Errs.invalid(p.child("endPort"), v, "must be greater than or equal to `port`"));
                        }
                        for (String msg : NameValidation.isValidPortNum(endPort)) {
                            errs.add(Errs.invalid(p.child("endPort"), endPort, msg));
                        }
                    }
                }
            } else if (endPort != null) {
                errs.add(Errs.invalid(p.child("endPort"), endPort, "may not be specified when `port` is not specified"));
            }
        }
        return errs;
    }

    private static List<FieldError> peers(List<NetworkPolicyPeer> peers, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            NetworkPolicyPeer peer = peers.get(i);
            FieldPath p = path.index(i);
            int count = 0;
            if (peer.getPodSelector() != null) {
                count++;
                errs.addAll(SelectorValidation.validate(peer.getPodSelector(), p.child("podSelector")));
            }
            if (peer.getNamespaceSelector() != null) {
                count++;
                errs.addAll(SelectorValidation.validate(peer.getNamespaceSelector(), p.child("namespaceSelector")));
            }
            if (peer.getIpBlock() != null) {
                count++;
                errs.addAll(ipBlock(peer.getIpBlock(), p.child("ipBlock")));
            }
            if (count == 0) {
                errs.add(Errs.required(p, "must specify a peer"));
            } else if (count > 1 && peer.getIpBlock() != null) {
                errs.add(Errs.forbidden(p, "may not specify both ipBlock and another peer"));
            }
        }
        return errs;
    }

    private static List<FieldError> ipBlock(IPBlock block, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String cidr = block.getCidr() == null ? "" : block.getCidr();
        if (cidr.isEmpty()) {
            errs.add(Errs.required(path.child("cidr"), ""));
            return errs;
        }
        if (Ips.prefixLength(cidr) < 0) {
            errs.add(Errs.invalid(path.child("cidr"), cidr, CIDR_MESSAGE));
            return errs;
        }
        List<String> except = Errs.list(block.getExcept());
        for (int i = 0; i < except.size(); i++) {
            FieldPath p = path.child("except").index(i);
            if (Ips.prefixLength(except.get(i)) < 0) {
                errs.add(Errs.invalid(p, except.get(i), CIDR_MESSAGE));
            } else if (!Ips.strictSubset(cidr, except.get(i))) {
                errs.add(Errs.invalid(p, except.get(i), "must be a strict subset of `cidr`"));
            }
        }
        return errs;
    }

    static List<FieldError> validateEndpoints(Endpoints ep) {
        List<FieldError> errs = new ArrayList<>();
        List<EndpointSubset> subsets = Errs.list(ep.getSubsets());
        for (int i = 0; i < subsets.size(); i++) {
            EndpointSubset ss = subsets.get(i);
            FieldPath p = FieldPath.of("subsets").index(i);
            List<EndpointAddress> ready = Errs.list(ss.getAddresses());
            List<EndpointAddress> notReady = Errs.list(ss.getNotReadyAddresses());
            if (ready.isEmpty() && notReady.isEmpty()) {
                errs.add(Errs.required(p, "must specify `addresses` or `notReadyAddresses`"));
            }
            for (int a = 0; a < ready.size(); a++) {
                errs.addAll(address(ready.get(a), p.child("addresses").index(a)));
            }
            for (int a = 0; a < notReady.size(); a++) {
                errs.addAll(address(notReady.get(a), p.child("notReadyAddresses").index(a)));
            }
            List<EndpointPort> ports = Errs.list(ss.getPorts());
            for (int j = 0; j < ports.size(); j++) {
                EndpointPort port = ports.get(j);
                errs.addAll(port(port.getName(), port.getPort(), port.getProtocol(), ports.size() > 1,
                        p.child("ports").index(j)));
            }
        }
        return errs;
    }

    private static List<FieldError> address(EndpointAddress addr, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String ip = addr.getIp() == null ? "" : addr.getIp();
        if (!Ips.isIp(ip)) {
            errs.add(Errs.invalid(path.child("ip"), ip, IP_MESSAGE));
        }
        if (!Errs.isEmpty(addr.getHostname())) {
            Errs.invalidEach(errs, path.child("hostname"), addr.getHostname(),
                    NameValidation.isDns1123Label(addr.getHostname()));
        }
        if (addr.getNodeName() != null) {
            Errs.invalidEach(errs, path.child("nodeName"), addr.getNodeName(),
                    NameValidation.isDns1123Subdomain(addr.getNodeName()));
        }
        return errs;
    }

    private static List<FieldError> port(String name, Integer number, String protocol, boolean requireName,
                                         FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (requireName && Errs.isEmpty(name)) {
            errs.add(Errs.required(path.child("name"), ""));
        } else if (!Errs.isEmpty(name)) {
            Errs.invalidEach(errs, path.child("name"), name, NameValidation.isDns1123Label(name));
        }
        int v = number == null ? 0 : number;
        for (String msg : NameValidation.isValidPortNum(v)) {
            errs.add(Errs.invalid(path.child("port"), v, msg));
        }
        if (protocol != null && !ContainerValidation.PROTOCOLS.contains(protocol)) {
            errs.add(Errs.notSupported(path.child("protocol"), protocol, ContainerValidation.PROTOCOLS));
        }
        return errs;
    }

    static List<FieldError> validateEndpointSlice(EndpointSlice slice) {
        List<FieldError> errs = new ArrayList<>();
        String addressType = slice.getAddressType() == null ? "" : slice.getAddressType();
        if (addressType.isEmpty()) {
            errs.add(Errs.required(FieldPath.of("addressType"), ""));
        } else if (!ADDRESS_TYPES.contains(addressType)) {
            errs.add(Errs.notSupported(FieldPath.of("addressType"), addressType, ADDRESS_TYPES));
        }
        List<Endpoint> endpoints = Errs.list(slice.getEndpoints());
        if (endpoints.size() > 1000) {
            errs.add(Errs.tooMany(FieldPath.of("endpoints"), endpoints.size(), 1000));
        } else {
            for (int i = 0; i < endpoints.size(); i++) {
                errs.addAll(sliceEndpoint(endpoints.get(i), addressType, FieldPath.of("endpoints").index(i)));
            }
        }
        List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> ports = Errs.list(slice.getPorts());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            var port = ports.get(i);
            FieldPath p = FieldPath.of("ports").index(i);
            String name = port.getName() == null ? "" : port.getName();
            if (!name.isEmpty()) {
                Errs.invalidEach(errs, p.child("name"), name, NameValidation.isDns1123Label(name));
            }
            if (!names.add(name)) {
                errs.add(Errs.duplicate(p.child("name"), name));
            }
            if (port.getPort() != null) {
                for (String msg : NameValidation.isValidPortNum(port.getPort())) {
                    errs.add(Errs.invalid(p.child("port"), port.getPort(), msg));
                }
            }
            if (port.getProtocol() != null && !ContainerValidation.PROTOCOLS.contains(port.getProtocol())) {
                errs.add(Errs.notSupported(p.child("protocol"), port.getProtocol(), ContainerValidation.PROTOCOLS));
            }
        }
        return errs;
    }

    private static List<FieldError> sliceEndpoint(Endpoint endpoint, String addressType, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        List<String> addresses = Errs.list(endpoint.getAddresses());
        FieldPath addressPath = path.child("addresses");
        if (addresses.isEmpty()) {
            errs.add(Errs.required(addressPath, "must contain at least 1 address"));
        } else if (addresses.size() > 100) {
            errs.add(Errs.tooMany(addressPath, addresses.size(), 100));
        }
        for (int i = 0; i < addresses.size(); i++) {
            String a = addresses.get(i);
            switch (addressType) {
                case "IPv4" -> {
                    if (!Ips.isIpv4(a)) {
                        errs.add(Errs.invalid(addressPath.index(i), a, "must be a valid IPv4 address"));
                    }
                }
                case "IPv6" -> {
                    if (!Ips.isIpv6(a)) {
                        errs.add(Errs.invalid(addressPath.index(i), a, "must be a valid IPv6 address"));
                    }
                }
                case "FQDN" -> Errs.invalidEach(errs, addressPath.index(i), a,
                        NameValidation.isDns1123Subdomain(a.endsWith(".") ? a.substring(0, a.length() - 1) : a));
                default -> {
                }
            }
        }
        if (endpoint.getNodeName() != null) {
            Errs.invalidEach(errs, path.child("nodeName"), endpoint.getNodeName(),
                    NameValidation.isDns1123Subdomain(endpoint.getNodeName()));
        }
        if (endpoint.getHostname() != null) {
            Errs.invalidEach(errs, path.child("hostname"), endpoint.getHostname(),
                    NameValidation.isDns1123Label(endpoint.getHostname()));
        }
        return errs;
    }
}
