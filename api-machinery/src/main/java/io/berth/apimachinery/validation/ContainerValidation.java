package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Rules for one container of a pod (Kubernetes' {@code validateContainerCommon} and what it calls). */
final class ContainerValidation {

    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> TERMINATION_MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
    private static final Set<String> STANDARD_CONTAINER_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");

    private ContainerValidation() {
    }

    static List<FieldError> validateCommon(Container ctr, Set<String> volumes, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath namePath = path.child("name");
        if (Errs.isEmpty(ctr.getName())) {
            errs.add(Errs.required(namePath, ""));
        } else {
            Errs.invalidEach(errs, namePath, ctr.getName(), NameValidation.isDns1123Label(ctr.getName()));
        }
        if (Errs.isEmpty(ctr.getImage())) {
            errs.add(Errs.required(path.child("image"), ""));
        }
        String tmp = ctr.getTerminationMessagePolicy();
        if (tmp != null && !tmp.isEmpty() && !TERMINATION_MESSAGE_POLICIES.contains(tmp)) {
            errs.add(Errs.notSupported(path.child("terminationMessagePolicy"), tmp, TERMINATION_MESSAGE_POLICIES));
        }
        errs.addAll(validatePorts(Errs.list(ctr.getPorts()), path.child("ports")));
        errs.addAll(validateEnv(Errs.list(ctr.getEnv()), path.child("env")));
        errs.addAll(validateVolumeMounts(Errs.list(ctr.getVolumeMounts()), volumes, path.child("volumeMounts")));
        String pull = ctr.getImagePullPolicy();
        if (pull != null && !pull.isEmpty() && !PULL_POLICIES.contains(pull)) {
            errs.add(Errs.notSupported(path.child("imagePullPolicy"), pull, PULL_POLICIES));
        }
        errs.addAll(validateResources(ctr.getResources(), path.child("resources")));
        return errs;
    }

    static List<FieldError> validatePorts(List<ContainerPort> ports, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            ContainerPort port = ports.get(i);
            FieldPath idx = path.index(i);
            if (!Errs.isEmpty(port.getName())) {
                List<String> msgs = NameValidation.isValidPortName(port.getName());
                if (!msgs.isEmpty()) {
                    Errs.invalidEach(errs, idx.child("name"), port.getName(), msgs);
                } else if (!names.add(port.getName())) {
                    errs.add(Errs.duplicate(idx.child("name"), port.getName()));
                }
            }
            int containerPort = port.getContainerPort() == null ? 0 : port.getContainerPort();
            if (containerPort == 0) {
                errs.add(Errs.required(idx.child("containerPort"), ""));
            } else {
                for (String msg : NameValidation.isValidPortNum(containerPort)) {
                    errs.add(Errs.invalid(idx.child("containerPort"), containerPort, msg));
                }
            }
            int hostPort = port.getHostPort() == null ? 0 : port.getHostPort();
            if (hostPort != 0) {
                for (String msg : NameValidation.isValidPortNum(hostPort)) {
                    errs.add(Errs.invalid(idx.child("hostPort"), hostPort, msg));
                }
            }
            String protocol = port.getProtocol();
            if (protocol != null && !PROTOCOLS.contains(protocol)) {
                if (protocol.isEmpty()) {
                    errs.add(Errs.required(idx.child("protocol"), ""));
                } else {
                    errs.add(Errs.notSupported(idx.child("protocol"), protocol, PROTOCOLS));
                }
            }
        }
        return errs;
    }

    static List<FieldError> validateEnv(List<EnvVar> env, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; i < env.size(); i++) {
            EnvVar ev = env.get(i);
            FieldPath idx = path.index(i);
            if (Errs.isEmpty(ev.getName())) {
                errs.add(Errs.required(idx.child("name"), ""));
            } else {
                Errs.invalidEach(errs, idx.child("name"), ev.getName(), NameValidation.isRelaxedEnvVarName(ev.getName()));
            }
            if (ev.getValueFrom() != null && !Errs.isEmpty(ev.getValue())) {
                errs.add(Errs.invalid(idx.child("valueFrom"), "", "may not be specified when `value` is not empty"));
            }
        }
        return errs;
    }

    static List<FieldError> validateVolumeMounts(List<VolumeMount> mounts, Set<String> volumes, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> mountPoints = new HashSet<>();
        for (int i = 0; i < mounts.size(); i++) {
            VolumeMount mnt = mounts.get(i);
            FieldPath idx = path.index(i);
            String name = mnt.getName() == null ? "" : mnt.getName();
            String mountPath = mnt.getMountPath() == null ? "" : mnt.getMountPath();
            if (name.isEmpty()) {
                errs.add(Errs.required(idx.child("name"), ""));
            }
            if (!volumes.contains(name)) {
                errs.add(Errs.notFound(idx.child("name"), name));
            }
            if (mountPath.isEmpty()) {
                errs.add(Errs.required(idx.child("mountPath"), ""));
            }
            if (!mountPoints.add(mountPath)) {
                errs.add(Errs.invalid(idx.child("mountPath"), mountPath, "must be unique"));
            }
            // Kubernetes reports subPath problems on the list's path, not the element's
            if (!Errs.isEmpty(mnt.getSubPath())) {
                errs.addAll(validateLocalDescendingPath(mnt.getSubPath(), path.child("subPath")));
            }
            if (!Errs.isEmpty(mnt.getSubPathExpr())) {
                if (!Errs.isEmpty(mnt.getSubPath())) {
                    errs.add(Errs.invalid(idx.child("subPathExpr"), mnt.getSubPathExpr(),
                            "subPathExpr and subPath are mutually exclusive"));
                }
                errs.addAll(validateLocalDescendingPath(mnt.getSubPathExpr(), path.child("subPathExpr")));
            }
        }
        return errs;
    }

    private static List<FieldError> validateLocalDescendingPath(String target, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (target.startsWith("/")) {
            errs.add(Errs.invalid(path, target, "must be a relative path"));
        }
        for (String part : target.split("[/\\\\]")) {
            if (part.equals("..")) {
                errs.add(Errs.invalid(path, target, "must not contain '..'"));
                break;
            }
        }
        return errs;
    }

    static List<FieldError> validateResources(ResourceRequirements resources, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (resources == null) {
            return errs;
        }
        FieldPath limPath = path.child("limits");
        FieldPath reqPath = path.child("requests");
        Map<String, Quantity> limits = Errs.map(resources.getLimits());
        for (Map.Entry<String, Quantity> e : new java.util.TreeMap<>(limits).entrySet()) {
            FieldPath p = limPath.key(e.getKey());
            errs.addAll(validateResourceName(e.getKey(), p));
            errs.addAll(Quantities.validateValue(e.getKey(), e.getValue(), p));
        }
        for (Map.Entry<String, Quantity> e : new java.util.TreeMap<>(Errs.map(resources.getRequests())).entrySet()) {
            FieldPath p = reqPath.key(e.getKey());
            errs.addAll(validateResourceName(e.getKey(), p));
            errs.addAll(Quantities.validateValue(e.getKey(), e.getValue(), p));
            Quantity limit = limits.get(e.getKey());
            if (limit != null) {
                int cmp = Quantities.compare(e.getValue(), limit);
                if (cmp != 0 && !overcommitAllowed(e.getKey())) {
                    errs.add(Errs.invalid(reqPath, Quantities.text(e.getValue()),
                            "must be equal to " + e.getKey() + " limit of " + Quantities.text(limit)));
                } else if (cmp > 0) {
                    errs.add(Errs.invalid(reqPath, Quantities.text(e.getValue()),
                            "must be less than or equal to " + e.getKey() + " limit of " + Quantities.text(limit)));
                }
            }
        }
        return errs;
    }

    /** Hugepages and extended resources (domain-prefixed, outside kubernetes.io) need requests equal to limits. */
    private static boolean overcommitAllowed(String resource) {
        boolean extended = resource.contains("/") && !resource.contains("kubernetes.io/");
        return !resource.startsWith("hugepages-") && !extended;
    }

    private static List<FieldError> validateResourceName(String name, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Errs.invalidEach(errs, path, name, NameValidation.isQualifiedName(name));
        if (!errs.isEmpty()) {
            return errs;
        }
        if (!name.contains("/")) {
            if (!STANDARD_CONTAINER_RESOURCES.contains(name) && !name.startsWith("hugepages-")) {
                errs.add(Errs.invalid(path, name, "must be a standard resource for containers"));
            }
        } else if (!name.contains("kubernetes.io/") && name.startsWith("requests.")) {
            errs.add(Errs.invalid(path, name, "doesn't follow extended resource name standard"));
        }
        return errs;
    }
}
