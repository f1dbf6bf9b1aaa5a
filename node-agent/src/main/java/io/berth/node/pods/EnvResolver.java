package io.berth.node.pods;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The variables Kubernetes itself sets for a container (the kubelet's {@code makeEnvironmentVariables}): every
 * {@code envFrom} source in order, then every {@code env} entry in order, a later name replacing an earlier one's
 * value. An {@code env} value has its {@code $(VAR)} references expanded against the variables defined before it; a
 * {@code valueFrom} is resolved. A missing ConfigMap, Secret or key fails the container with
 * {@code CreateContainerConfigError}, unless the reference is {@code optional}, in which case the variable (or the
 * whole source) is left out. {@code envFrom} keys that are not valid variable names are skipped.
 */
final class EnvResolver {

    /** Kubernetes' {@code IsEnvVarName}. */
    private static final Pattern ENV_VAR_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private final String namespace;
    private final EnvSources sources;
    private final DownwardApi downward;
    // Each object is read once per container, as the kubelet does, so every variable sees one version of it.
    private final Map<String, Optional<ConfigMap>> configMaps = new HashMap<>();
    private final Map<String, Optional<Secret>> secrets = new HashMap<>();

    EnvResolver(Pod pod, EnvSources sources, DownwardApi downward) {
        this.namespace = pod.getMetadata().getNamespace();
        this.sources = sources;
        this.downward = downward;
    }

    /**
     * Name → value, in the order the names were first defined; then the variables of the {@code kubernetes} Service
     * that no other source defined (as the kubelet, which lets {@code $(VAR)} refer to them too).
     */
    Map<String, String> resolve(Container container) {
        Map<String, String> services = sources.masterService().map(ServiceEnv::of).orElse(Map.of());
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : orEmpty(container.getEnvFrom())) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            if (from.getConfigMapRef() != null) {
                String name = from.getConfigMapRef().getName();
                Optional<ConfigMap> configMap = configMap(name);
                if (configMap.isEmpty() && Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
                    continue;
                }
                Map<String, String> data = configMap.orElseThrow(() -> notFound("configmap", name)).getData();
                putValidNames(env, prefix, data == null ? Map.of() : data);
            } else if (from.getSecretRef() != null) {
                String name = from.getSecretRef().getName();
                Optional<Secret> secret = secret(name);
                if (secret.isEmpty() && Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
                    continue;
                }
                Secret found = secret.orElseThrow(() -> notFound("secret", name));
                Map<String, String> decoded = new TreeMap<>();
                if (found.getData() != null) {
                    found.getData().forEach((key, value) -> decoded.put(key, decode(name, key, value)));
                }
                putValidNames(env, prefix, decoded);
            }
        }
        for (EnvVar variable : orEmpty(container.getEnv())) {
            String value = variable.getValue();
            if (value != null && !value.isEmpty()) {
                Map<String, String> visible = env;
                if (!services.isEmpty()) {
                    visible = new HashMap<>(services);
                    visible.putAll(env);
                }
                value = Expansion.expand(value, visible);
            } else if (variable.getValueFrom() != null) {
                Optional<String> resolved = valueFrom(variable.getValueFrom());
                if (resolved.isEmpty()) {
                    continue;
                }
                value = resolved.get();
            } else {
                value = "";
            }
            env.put(variable.getName(), value);
        }
        services.forEach(env::putIfAbsent);
        return env;
    }

    /** The value of a {@code valueFrom}; empty when an optional reference points at nothing. */
    private Optional<String> valueFrom(EnvVarSource from) {
        if (from.getFieldRef() != null) {
            return Optional.of(downward.field(from.getFieldRef()));
        }
        if (from.getResourceFieldRef() != null) {
            return Optional.of(downward.resource(from.getResourceFieldRef()));
        }
        if (from.getConfigMapKeyRef() != null) {
            ConfigMapKeySelector ref = from.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Optional<ConfigMap> configMap = configMap(ref.getName());
            if (configMap.isEmpty()) {
                if (optional) {
                    return Optional.empty();
                }
                throw notFound("configmap", ref.getName());
            }
            Map<String, String> data = configMap.get().getData();
            if (data == null || !data.containsKey(ref.getKey())) {
                if (optional) {
                    return Optional.empty();
                }
                throw ContainerPlanFailure.config("couldn't find key " + ref.getKey() + " in ConfigMap " + namespace
                        + "/" + ref.getName());
            }
            return Optional.of(data.get(ref.getKey()));
        }
        if (from.getSecretKeyRef() != null) {
            SecretKeySelector ref = from.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Optional<Secret> secret = secret(ref.getName());
            if (secret.isEmpty()) {
                if (optional) {
                    return Optional.empty();
                }
                throw notFound("secret", ref.getName());
            }
            Map<String, String> data = secret.get().getData();
            if (data == null || !data.containsKey(ref.getKey())) {
                if (optional) {
                    return Optional.empty();
                }
                throw ContainerPlanFailure.config("couldn't find key " + ref.getKey() + " in Secret " + namespace
                        + "/" + ref.getName());
            }
            return Optional.of(decode(ref.getName(), ref.getKey(), data.get(ref.getKey())));
        }
        return Optional.of("");
    }

    /** Adds {@code data} (in key order, for a stable environment) under {@code prefix}, skipping invalid names. */
    private static void putValidNames(Map<String, String> env, String prefix, Map<String, String> data) {
        for (Map.Entry<String, String> entry : new TreeMap<>(data).entrySet()) {
            String name = prefix + entry.getKey();
            if (ENV_VAR_NAME.matcher(name).matches()) {
                env.put(name, entry.getValue() == null ? "" : entry.getValue());
            }
        }
    }

    private Optional<ConfigMap> configMap(String name) {
        return configMaps.computeIfAbsent(name, n -> sources.configMap(namespace, n));
    }

    private Optional<Secret> secret(String name) {
        return secrets.computeIfAbsent(name, n -> sources.secret(namespace, n));
    }

    /** A Secret's {@code data} values are base64 in the API; the container gets the bytes. */
    private String decode(String secretName, String key, String value) {
        try {
            return new String(Base64.getDecoder().decode(value == null ? "" : value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ContainerPlanFailure.config("key " + key + " in Secret " + namespace + "/" + secretName
                    + " is not base64");
        }
    }

    /** The kubelet's object managers answer {@code NewNotFound(Resource("configmap"), name)}. */
    private static ContainerPlanFailure notFound(String resource, String name) {
        return ContainerPlanFailure.config(resource + " \"" + name + "\" not found");
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
