package io.berth.apimachinery.authorizer;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a pod references, as Kubernetes' node authorizer graph records it: Secrets (volumes, projected sources,
 * {@code env}/{@code envFrom} of every container, image pull secrets), ConfigMaps (the same places), its
 * ServiceAccount and its PersistentVolumeClaims. Stateless.
 */
public final class PodReferences {

    private PodReferences() {
    }

    public static boolean referencesSecret(Pod pod, String name) {
        PodSpec spec = pod.getSpec();
        if (spec == null) {
            return false;
        }
        if (spec.getImagePullSecrets() != null) {
            for (LocalObjectReference ref : spec.getImagePullSecrets()) {
                if (name.equals(ref.getName())) {
                    return true;
                }
            }
        }
        for (Volume v : nullSafe(spec.getVolumes())) {
            if (v.getSecret() != null && name.equals(v.getSecret().getSecretName())) {
                return true;
            }
            if (v.getProjected() != null) {
                for (VolumeProjection p : nullSafe(v.getProjected().getSources())) {
                    if (p.getSecret() != null && name.equals(p.getSecret().getName())) {
                        return true;
                    }
                }
            }
        }
        return anyContainer(spec, env -> env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null
                        && name.equals(env.getValueFrom().getSecretKeyRef().getName()),
                from -> from.getSecretRef() != null && name.equals(from.getSecretRef().getName()));
    }

    public static boolean referencesConfigMap(Pod pod, String name) {
        PodSpec spec = pod.getSpec();
        if (spec == null) {
            return false;
        }
        for (Volume v : nullSafe(spec.getVolumes())) {
            if (v.getConfigMap() != null && name.equals(v.getConfigMap().getName())) {
                return true;
            }
            if (v.getProjected() != null) {
                for (VolumeProjection p : nullSafe(v.getProjected().getSources())) {
                    if (p.getConfigMap() != null && name.equals(p.getConfigMap().getName())) {
                        return true;
                    }
                }
            }
        }
        return anyContainer(spec, env -> env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null
                        && name.equals(env.getValueFrom().getConfigMapKeyRef().getName()),
                from -> from.getConfigMapRef() != null && name.equals(from.getConfigMapRef().getName()));
    }

    public static boolean referencesServiceAccount(Pod pod, String name) {
        PodSpec spec = pod.getSpec();
        if (spec == null) {
            return false;
        }
        String sa = spec.getServiceAccountName();
        if (sa == null || sa.isEmpty()) {
            sa = spec.getServiceAccount();
        }
        if (sa == null || sa.isEmpty()) {
            sa = "default";
        }
        return sa.equals(name);
    }

    public static boolean referencesClaim(Pod pod, String name) {
        PodSpec spec = pod.getSpec();
        if (spec == null) {
            return false;
        }
        for (Volume v : nullSafe(spec.getVolumes())) {
            if (v.getPersistentVolumeClaim() != null && name.equals(v.getPersistentVolumeClaim().getClaimName())) {
                return true;
            }
            if (v.getEphemeral() != null && name.equals(pod.getMetadata().getName() + "-" + v.getName())) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyContainer(PodSpec spec, Predicate<EnvVar> env, Predicate<EnvFromSource> envFrom) {
        List<Container> containers = new ArrayList<>(nullSafe(spec.getContainers()));
        containers.addAll(nullSafe(spec.getInitContainers()));
        for (Container c : containers) {
            if (nullSafe(c.getEnv()).stream().anyMatch(env) || nullSafe(c.getEnvFrom()).stream().anyMatch(envFrom)) {
                return true;
            }
        }
        for (EphemeralContainer c : nullSafe(spec.getEphemeralContainers())) {
            if (nullSafe(c.getEnv()).stream().anyMatch(env) || nullSafe(c.getEnvFrom()).stream().anyMatch(envFrom)) {
                return true;
            }
        }
        return false;
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }
}
