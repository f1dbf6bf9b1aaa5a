package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** ConfigMap and Secret rules: keys, the 1 MiB size limit, secret types, and {@code immutable}. */
final class ConfigValidation {

    static final int MAX_SIZE = 1024 * 1024;
    private static final String IMMUTABLE = "field is immutable when `immutable` is set";
    private static final String REDACTED = "<secret contents redacted>";

    private ConfigValidation() {
    }

    static List<FieldError> validateConfigMap(ConfigMap cm) {
        List<FieldError> errs = new ArrayList<>();
        long total = 0;
        Map<String, String> binary = Errs.map(cm.getBinaryData());
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(Errs.map(cm.getData())).entrySet()) {
            FieldPath p = FieldPath.of("data").key(e.getKey());
            Errs.invalidEach(errs, p, e.getKey(), NameValidation.isConfigMapKey(e.getKey()));
            if (binary.containsKey(e.getKey())) {
                errs.add(Errs.invalid(p, e.getKey(), "duplicate of key present in binaryData"));
            }
            total += e.getValue() == null ? 0 : e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(binary).entrySet()) {
            Errs.invalidEach(errs, FieldPath.of("binaryData").key(e.getKey()), e.getKey(),
                    NameValidation.isConfigMapKey(e.getKey()));
            total += decodedLength(e.getValue());
        }
        if (total > MAX_SIZE) {
            errs.add(Errs.tooLong(FieldPath.ROOT, MAX_SIZE));
        }
        return errs;
    }

    static List<FieldError> validateConfigMapUpdate(ConfigMap n, ConfigMap o) {
        List<FieldError> errs = new ArrayList<>();
        if (Boolean.TRUE.equals(o.getImmutable())) {
            if (!Boolean.TRUE.equals(n.getImmutable())) {
                errs.add(Errs.forbidden(FieldPath.of("immutable"), IMMUTABLE));
            }
            if (!Objects.equals(Errs.map(n.getData()), Errs.map(o.getData()))) {
                errs.add(Errs.forbidden(FieldPath.of("data"), IMMUTABLE));
            }
            if (!Objects.equals(Errs.map(n.getBinaryData()), Errs.map(o.getBinaryData()))) {
                errs.add(Errs.forbidden(FieldPath.of("binaryData"), IMMUTABLE));
            }
        }
        return errs;
    }

    static List<FieldError> validateSecret(Secret secret) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath dataPath = FieldPath.of("data");
        Map<String, byte[]> data = effectiveData(secret);
        long total = 0;
        for (Map.Entry<String, byte[]> e : data.entrySet()) {
            Errs.invalidEach(errs, dataPath.key(e.getKey()), e.getKey(), NameValidation.isConfigMapKey(e.getKey()));
            total += e.getValue().length;
        }
        if (total > MAX_SIZE) {
            errs.add(Errs.tooLong(dataPath, MAX_SIZE));
        }
        String type = secret.getType() == null ? "" : secret.getType();
        switch (type) {
            case "kubernetes.io/service-account-token" -> {
                Map<String, String> annotations = secret.getMetadata() == null ? Map.of()
                        : Errs.map(secret.getMetadata().getAnnotations());
                if (Errs.isEmpty(annotations.get("kubernetes.io/service-account.name"))) {
                    errs.add(Errs.required(FieldPath.of("metadata", "annotations")
                            .key("kubernetes.io/service-account.name"), ""));
                }
            }
            case "kubernetes.io/dockercfg" -> requireJson(errs, data, ".dockercfg", dataPath);
            case "kubernetes.io/dockerconfigjson" -> requireJson(errs, data, ".dockerconfigjson", dataPath);
            case "kubernetes.io/basic-auth" -> {
                if (!data.containsKey("username") && !data.containsKey("password")) {
                    errs.add(Errs.required(dataPath.key("username"), ""));
                    errs.add(Errs.required(dataPath.key("password"), ""));
                }
            }
            case "kubernetes.io/ssh-auth" -> {
                if (data.getOrDefault("ssh-privatekey", new byte[0]).length == 0) {
                    errs.add(Errs.required(dataPath.key("ssh-privatekey"), ""));
                }
            }
            case "kubernetes.io/tls" -> {
                if (!data.containsKey("tls.crt")) {
                    errs.add(Errs.required(dataPath.key("tls.crt"), ""));
                }
                if (!data.containsKey("tls.key")) {
                    errs.add(Errs.required(dataPath.key("tls.key"), ""));
                }
            }
            default -> {
            }
        }
        return errs;
    }

    static List<FieldError> validateSecretUpdate(Secret n, Secret o) {
        List<FieldError> errs = new ArrayList<>();
        String newType = Errs.isEmpty(n.getType()) ? "Opaque" : n.getType();
        String oldType = Errs.isEmpty(o.getType()) ? "Opaque" : o.getType();
        if (!newType.equals(oldType)) {
            errs.add(Errs.invalid(FieldPath.of("type"), newType, "field is immutable"));
        }
        if (Boolean.TRUE.equals(o.getImmutable())) {
            if (!Boolean.TRUE.equals(n.getImmutable())) {
                errs.add(Errs.forbidden(FieldPath.of("immutable"), IMMUTABLE));
            }
            Map<String, String> newData = new LinkedHashMap<>();
            effectiveData(n).forEach((k, v) -> newData.put(k, Base64.getEncoder().encodeToString(v)));
            Map<String, String> oldData = new LinkedHashMap<>();
            effectiveData(o).forEach((k, v) -> oldData.put(k, Base64.getEncoder().encodeToString(v)));
            if (!newData.equals(oldData)) {
                errs.add(Errs.forbidden(FieldPath.of("data"), IMMUTABLE));
            }
        }
        return errs;
    }

    /** {@code data} decoded, overwritten by {@code stringData} as Kubernetes' conversion does, sorted by key. */
    static Map<String, byte[]> effectiveData(Secret secret) {
        Map<String, byte[]> data = new java.util.TreeMap<>();
        Errs.map(secret.getData()).forEach((k, v) -> data.put(k, decode(v)));
        Errs.map(secret.getStringData()).forEach((k, v) ->
                data.put(k, v == null ? new byte[0] : v.getBytes(StandardCharsets.UTF_8)));
        return data;
    }

    private static void requireJson(List<FieldError> errs, Map<String, byte[]> data, String key, FieldPath dataPath) {
        byte[] value = data.get(key);
        if (value == null) {
            errs.add(Errs.required(dataPath.key(key), ""));
            return;
        }
        try {
            if (!Json.tree(value).isObject()) {
                errs.add(Errs.invalid(dataPath.key(key), REDACTED, "json: cannot unmarshal into a JSON object"));
            }
        } catch (RuntimeException e) {
            errs.add(Errs.invalid(dataPath.key(key), REDACTED, "invalid JSON"));
        }
    }

    private static byte[] decode(String base64) {
        if (base64 == null) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            // not our concern here: the decoder rejects bad base64 before validation
            return base64.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static long decodedLength(String base64) {
        return decode(base64).length;
    }
}
