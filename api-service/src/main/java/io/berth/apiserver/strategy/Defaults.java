package io.berth.apiserver.strategy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' defaulting (SetDefaults_* in pkg/apis/*&#47;v1/defaults.go) for the fields users meet: a Pod without a
 * restartPolicy gets Always, a container without imagePullPolicy gets Always for {@code :latest}, ...
 * Defaulting is idempotent: applying it to a defaulted object changes nothing, so {@code kubectl apply} twice is a
 * no-op. Mutates the object it is given.
 */
public final class Defaults {

    private Defaults() {
    }

    public static void apply(HasMetadata obj) {
        if (obj instanceof Pod pod && pod.getSpec() != null) {
            podSpec(pod.getSpec());
        } else if (obj instanceof Deployment d) {
            deployment(d);
        } else if (obj instanceof ReplicaSet rs) {
            replicaSet(rs);
        } else if (obj instanceof Service svc) {
            service(svc);
        } else if (obj instanceof Namespace ns) {
            if (ns.getSpec() == null) {
                ns.setSpec(new NamespaceSpec());
            }
            // every namespace starts held by the namespace controller, which empties it before it goes (Kubernetes'
            // namespaceStrategy.PrepareForCreate); on updates Strategy keeps the stored finalizers instead
            List<String> finalizers = new ArrayList<>(ns.getSpec().getFinalizers() == null ? List.of()
                    : ns.getSpec().getFinalizers());
            if (!finalizers.contains("kubernetes")) {
                finalizers.add("kubernetes");
                ns.getSpec().setFinalizers(finalizers);
            }
        } else if (obj instanceof Secret secret) {
            if (secret.getType() == null || secret.getType().isEmpty()) {
                secret.setType("Opaque");
            }
            // stringData is write-only: Kubernetes folds it into data (base64) and never stores it
            if (secret.getStringData() != null && !secret.getStringData().isEmpty()) {
                Map<String, String> data = secret.getData() == null ? new HashMap<>() : new HashMap<>(secret.getData());
                secret.getStringData().forEach((k, v) -> data.put(k, java.util.Base64.getEncoder()
                        .encodeToString(v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
                secret.setData(data);
            }
            secret.setStringData(null);
        } else if (obj instanceof PriorityClass pc) {
            if (pc.getPreemptionPolicy() == null) {
                pc.setPreemptionPolicy("PreemptLowerPriority");
            }
        }
    }

    static void podSpec(PodSpec spec) {
        if (spec.getRestartPolicy() == null) {
            spec.setRestartPolicy("Always");
        }
        if (spec.getDnsPolicy() == null) {
            spec.setDnsPolicy("ClusterFirst");
        }
        if (spec.getSchedulerName() == null) {
            spec.setSchedulerName("default-scheduler");
        }
        if (spec.getTerminationGracePeriodSeconds() == null) {
            spec.setTerminationGracePeriodSeconds(30L);
        }
        if (spec.getSecurityContext() == null) {
            spec.setSecurityContext(new PodSecurityContext());
        }
        if (spec.getEnableServiceLinks() == null) {
            spec.setEnableServiceLinks(true);
        }
        // the ServiceAccount admission plugin's default: a pod runs as its namespace's "default" ServiceAccount
        if (spec.getServiceAccountName() == null || spec.getServiceAccountName().isEmpty()) {
            spec.setServiceAccountName(spec.getServiceAccount() == null || spec.getServiceAccount().isEmpty()
                    ? "default" : spec.getServiceAccount());
        }
        if (spec.getServiceAccount() == null) {
            spec.setServiceAccount(spec.getServiceAccountName());
        }
        containers(spec.getInitContainers());
        containers(spec.getContainers());
        if (spec.getVolumes() != null) {
            for (Volume v : spec.getVolumes()) {
                volume(v);
            }
        }
    }

    private static void volume(Volume v) {
        if (v.getSecret() != null && v.getSecret().getDefaultMode() == null) {
            v.getSecret().setDefaultMode(420);
        }
        if (v.getConfigMap() != null && v.getConfigMap().getDefaultMode() == null) {
            v.getConfigMap().setDefaultMode(420);
        }
        if (v.getDownwardAPI() != null && v.getDownwardAPI().getDefaultMode() == null) {
            v.getDownwardAPI().setDefaultMode(420);
        }
        if (v.getProjected() != null && v.getProjected().getDefaultMode() == null) {
            v.getProjected().setDefaultMode(420);
        }
    }

    private static void containers(List<Container> containers) {
        if (containers == null) {
            return;
        }
        for (Container c : containers) {
            if (c.getTerminationMessagePath() == null) {
                c.setTerminationMessagePath("/dev/termination-log");
            }
            if (c.getTerminationMessagePolicy() == null) {
                c.setTerminationMessagePolicy("File");
            }
            if (c.getImagePullPolicy() == null && c.getImage() != null) {
                c.setImagePullPolicy(pullPolicy(c.getImage()));
            }
            if (c.getPorts() != null) {
                for (ContainerPort p : c.getPorts()) {
                    if (p.getProtocol() == null) {
                        p.setProtocol("TCP");
                    }
                }
            }
            if (c.getResources() == null) {
                c.setResources(new ResourceRequirements());
            }
            ResourceRequirements r = c.getResources();
            if (r.getLimits() != null && !r.getLimits().isEmpty()) {
                Map<String, Quantity> requests = r.getRequests() == null ? new HashMap<>() : new HashMap<>(r.getRequests());
                r.getLimits().forEach(requests::putIfAbsent);
                r.setRequests(requests);
            }
        }
    }

    /** Always for {@code :latest} or no tag, IfNotPresent otherwise (digests count as tags). */
    static String pullPolicy(String image) {
        if (image.contains("@")) {
            return "IfNotPresent";
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon > slash) {
            return image.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
        }
        return "Always";
    }

    private static void template(PodTemplateSpec template) {
        if (template != null && template.getSpec() != null) {
            podSpec(template.getSpec());
        }
    }

    private static void deployment(Deployment d) {
        DeploymentSpec spec = d.getSpec();
        if (spec == null) {
            return;
        }
        if (spec.getReplicas() == null) {
            spec.setReplicas(1);
        }
        if (spec.getStrategy() == null) {
            spec.setStrategy(new DeploymentStrategy());
        }
        DeploymentStrategy strategy = spec.getStrategy();
        if (strategy.getType() == null) {
            strategy.setType("RollingUpdate");
        }
        if ("RollingUpdate".equals(strategy.getType())) {
            if (strategy.getRollingUpdate() == null) {
                strategy.setRollingUpdate(new RollingUpdateDeployment());
            }
            if (strategy.getRollingUpdate().getMaxUnavailable() == null) {
                strategy.getRollingUpdate().setMaxUnavailable(new IntOrString("25%"));
            }
            if (strategy.getRollingUpdate().getMaxSurge() == null) {
                strategy.getRollingUpdate().setMaxSurge(new IntOrString("25%"));
            }
        }
        if (spec.getRevisionHistoryLimit() == null) {
            spec.setRevisionHistoryLimit(10);
        }
        if (spec.getProgressDeadlineSeconds() == null) {
            spec.setProgressDeadlineSeconds(600);
        }
        template(spec.getTemplate());
    }

    private static void replicaSet(ReplicaSet rs) {
        ReplicaSetSpec spec = rs.getSpec();
        if (spec == null) {
            return;
        }
        if (spec.getReplicas() == null) {
            spec.setReplicas(1);
        }
        template(spec.getTemplate());
    }

    private static void service(Service svc) {
        ServiceSpec spec = svc.getSpec();
        if (spec == null) {
            return;
        }
        if (spec.getType() == null) {
            spec.setType("ClusterIP");
        }
        if (spec.getSessionAffinity() == null) {
            spec.setSessionAffinity("None");
        }
        if (spec.getInternalTrafficPolicy() == null && !"ExternalName".equals(spec.getType())) {
            spec.setInternalTrafficPolicy("Cluster");
        }
        if (spec.getPorts() != null) {
            for (ServicePort p : spec.getPorts()) {
                if (p.getProtocol() == null) {
                    p.setProtocol("TCP");
                }
                if (p.getTargetPort() == null && p.getPort() != null) {
                    p.setTargetPort(new IntOrString(p.getPort()));
                }
            }
        }
    }
}
