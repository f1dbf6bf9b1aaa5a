package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Service rules (Kubernetes' {@code ValidateService} and {@code ValidateServiceUpdate}). */
final class ServiceValidation {

    private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    private static final List<String> SESSION_AFFINITIES = List.of("ClientIP", "None");
    private static final int KUBELET_PORT = 10250;

    private ServiceValidation() {
    }

    static List<FieldError> validate(Service svc) {
        List<FieldError> errs = new ArrayList<>();
        ServiceSpec spec = svc.getSpec() == null ? new ServiceSpec() : svc.getSpec();
        FieldPath specPath = FieldPath.of("spec");
        String type = spec.getType() == null || spec.getType().isEmpty() ? "ClusterIP" : spec.getType();
        List<String> clusterIPs = clusterIPs(spec);
        boolean headless = clusterIPs.size() == 1 && clusterIPs.get(0).equals("None");
        List<ServicePort> ports = Errs.list(spec.getPorts());
        if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
            errs.add(Errs.required(specPath.child("ports"), ""));
        }
        switch (type) {
            case "LoadBalancer" -> {
                if (headless) {
                    errs.add(Errs.invalid(specPath.child("clusterIPs").index(0), "None",
                            "may not be set to 'None' for LoadBalancer services"));
                }
                for (int i = 0; i < ports.size(); i++) {
                    if (Objects.equals(ports.get(i).getPort(), KUBELET_PORT)) {
                        errs.add(Errs.invalid(specPath.child("ports").index(i), KUBELET_PORT,
                                "may not expose port 10250 externally since it is used by kubelet"));
                    }
                }
            }
            case "NodePort" -> {
                if (headless) {
                    errs.add(Errs.invalid(specPath.child("clusterIPs").index(0), "None",
                            "may not be set to 'None' for NodePort services"));
                }
            }
            case "ExternalName" -> {
                if (!clusterIPs.isEmpty()) {
                    errs.add(Errs.forbidden(specPath.child("clusterIPs"), "may not be set for ExternalName services"));
                }
                if (!Errs.list(spec.getIpFamilies()).isEmpty()) {
                    errs.add(Errs.forbidden(specPath.child("ipFamilies"), "may not be set for ExternalName services"));
                }
                if (spec.getIpFamilyPolicy() != null) {
                    errs.add(Errs.forbidden(specPath.child("ipFamilyPolicy"),
                            "may not be set for ExternalName services"));
                }
                String cname = spec.getExternalName() == null ? "" : spec.getExternalName();
                if (cname.endsWith(".")) {
                    cname = cname.substring(0, cname.length() - 1);
                }
                if (cname.isEmpty()) {
                    errs.add(Errs.required(specPath.child("externalName"), ""));
                } else {
                    Errs.invalidEach(errs, specPath.child("externalName"), cname,
                            NameValidation.isDns1123Subdomain(cname));
                }
            }
            default -> {
            }
        }
        Set<String> portNames = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            errs.addAll(validatePort(ports.get(i), ports.size() > 1, portNames, specPath.child("ports").index(i)));
        }
        errs.addAll(MetaValidation.validateLabels(spec.getSelector(), specPath.child("selector")));
        PodValidation.oneOf(errs, spec.getSessionAffinity(), SESSION_AFFINITIES, specPath.child("sessionAffinity"));
        PodValidation.oneOf(errs, spec.getType(), TYPES, specPath.child("type"));
        for (int i = 0; i < clusterIPs.size(); i++) {
            String ip = clusterIPs.get(i);
            if (!(i == 0 && ip.equals("None")) && !Ips.isIp(ip)) {
                errs.add(Errs.invalid(specPath.child("clusterIPs").index(i), ip,
                        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }
        }
        if (type.equals("ClusterIP")) {
            for (int i = 0; i < ports.size(); i++) {
                if (ports.get(i).getNodePort() != null && ports.get(i).getNodePort() != 0) {
                    errs.add(Errs.forbidden(specPath.child("ports").index(i).child("nodePort"),
                            "may not be used when `type` is 'ClusterIP'"));
                }
            }
        }
        Set<String> nodePorts = new HashSet<>();
        Set<String> portKeys = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            ServicePort p = ports.get(i);
            String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
            if (p.getNodePort() != null && p.getNodePort() != 0
                    && !nodePorts.add(protocol + "/" + p.getNodePort())) {
                errs.add(Errs.duplicate(specPath.child("ports").index(i).child("nodePort"), p.getNodePort()));
            }
            if (!portKeys.add(protocol + "/" + p.getPort())) {
                errs.add(Errs.duplicate(specPath.child("ports").index(i), new GoValue("core.ServicePort{Name:\"\","
                        + " Protocol:" + GoValue.quote(protocol) + ", AppProtocol:(*string)(nil), Port:" + p.getPort()
                        + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}")));
            }
        }
        return errs;
    }

    private static List<FieldError> validatePort(ServicePort sp, boolean requireName, Set<String> names,
                                                 FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String name = sp.getName() == null ? "" : sp.getName();
        if (requireName && name.isEmpty()) {
            errs.add(Errs.required(path.child("name"), ""));
        } else if (!name.isEmpty()) {
            Errs.invalidEach(errs, path.child("name"), name, NameValidation.isDns1123Label(name));
            if (!names.add(name)) {
                errs.add(Errs.duplicate(path.child("name"), name));
            }
        }
        int port = sp.getPort() == null ? 0 : sp.getPort();
        for (String msg : NameValidation.isValidPortNum(port)) {
            errs.add(Errs.invalid(path.child("port"), port, msg));
        }
        String protocol = sp.getProtocol();
        if (protocol != null && !ContainerValidation.PROTOCOLS.contains(protocol)) {
            errs.add(protocol.isEmpty() ? Errs.required(path.child("protocol"), "")
                    : Errs.notSupported(path.child("protocol"), protocol, ContainerValidation.PROTOCOLS));
        }
        errs.addAll(validatePortNumOrName(sp.getTargetPort(), path.child("targetPort")));
        if (sp.getAppProtocol() != null) {
            Errs.invalidEach(errs, path.child("appProtocol"), sp.getAppProtocol(),
                    NameValidation.isQualifiedName(sp.getAppProtocol()));
        }
        return errs;
    }

    /** An int port (1-65535) or a port name; unset is defaulted to {@code port}. */
    static List<FieldError> validatePortNumOrName(IntOrString port, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (port == null || port.getValue() == null) {
            return errs;
        }
        if (port.getValue() instanceof String s) {
            Errs.invalidEach(errs, path, s, NameValidation.isValidPortName(s));
        } else {
            int v = port.getIntVal() == null ? 0 : port.getIntVal();
            for (String msg : NameValidation.isValidPortNum(v)) {
                errs.add(Errs.invalid(path, v, msg));
            }
        }
        return errs;
    }

    /** ClusterIPs may be added or removed (dual stack) but the primary one never changes once set. */
    static List<FieldError> validateUpdate(Service n, Service o) {
        List<FieldError> errs = new ArrayList<>();
        ServiceSpec ns = n.getSpec() == null ? new ServiceSpec() : n.getSpec();
        ServiceSpec os = o.getSpec() == null ? new ServiceSpec() : o.getSpec();
        if ("ExternalName".equals(ns.getType()) || "ExternalName".equals(os.getType())) {
            return errs;
        }
        List<String> newIPs = clusterIPs(ns);
        List<String> oldIPs = clusterIPs(os);
        // an update that leaves clusterIP unset keeps the allocated one (Kubernetes copies it before validating)
        if (newIPs.isEmpty() || oldIPs.isEmpty()) {
            return errs;
        }
        FieldPath primary = FieldPath.of("spec", "clusterIPs").index(0);
        if (newIPs.size() == oldIPs.size()) {
            for (int i = 0; i < oldIPs.size(); i++) {
                if (!oldIPs.get(i).equals(newIPs.get(i))) {
                    errs.add(Errs.invalid(primary, GoValue.stringSlice(newIPs), "may not change once set"));
                }
            }
        } else if (!newIPs.get(0).equals(oldIPs.get(0))) {
            errs.add(Errs.invalid(primary, GoValue.stringSlice(newIPs), "may not change once set"));
        }
        return errs;
    }

    /** {@code clusterIPs}, or {@code [clusterIP]} when only the singular field is set. */
    static List<String> clusterIPs(ServiceSpec spec) {
        if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
            return spec.getClusterIPs();
        }
        if (spec.getClusterIP() != null && !spec.getClusterIP().isEmpty()) {
            return List.of(spec.getClusterIP());
        }
        return List.of();
    }
}
