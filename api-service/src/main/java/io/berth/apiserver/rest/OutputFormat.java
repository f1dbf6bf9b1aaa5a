package io.berth.apiserver.rest;

import io.berth.apimachinery.errors.StatusErrors;

import java.util.Locale;

/**
 * What the client asked to receive, from its Accept header, as Kubernetes negotiates it: plain JSON, YAML,
 * a {@code meta.k8s.io/v1 Table}, or {@code PartialObjectMetadata}. Protobuf is not served; a client that
 * accepts only protobuf gets 406.
 */
public enum OutputFormat {
    JSON, YAML, TABLE, PARTIAL_METADATA;

    public static OutputFormat negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        boolean sawUnsupported = false;
        for (String raw : accept.split(",")) {
            String clause = raw.trim().toLowerCase(Locale.ROOT);
            if (clause.isEmpty()) {
                continue;
            }
            String[] parts = clause.split(";");
            String mediaType = parts[0].trim();
            String as = null;
            String g = null;
            String v = null;
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].trim().split("=", 2);
                if (kv.length == 2) {
                    switch (kv[0].trim()) {
                        case "as" -> as = kv[1].trim();
                        case "g" -> g = kv[1].trim();
                        case "v" -> v = kv[1].trim();
                        default -> { }
                    }
                }
            }
            boolean jsonLike = mediaType.equals("application/json") || mediaType.equals("*/*")
                    || mediaType.equals("application/*");
            if (as != null) {
                if (!jsonLike || !"meta.k8s.io".equals(g) || !"v1".equals(v)) {
                    sawUnsupported = true;
                    continue;
                }
                if (as.equals("table")) {
                    return TABLE;
                }
                if (as.equals("partialobjectmetadata") || as.equals("partialobjectmetadatalist")) {
                    return PARTIAL_METADATA;
                }
                sawUnsupported = true;
                continue;
            }
            if (jsonLike) {
                return JSON;
            }
            if (mediaType.equals("application/yaml")) {
                return YAML;
            }
            sawUnsupported = true;
        }
        if (sawUnsupported) {
            throw StatusErrors.notAcceptable("only the following media types are accepted: application/json, "
                    + "application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io");
        }
        return JSON;
    }

    public String contentType() {
        return this == YAML ? "application/yaml" : "application/json";
    }
}
