package io.berth.apiserver.openapi;

/**
 * The two OpenAPI dialects Kubernetes serves: Swagger 2.0 at {@code /openapi/v2} and OpenAPI 3.0 per group-version
 * at {@code /openapi/v3/...}. They differ in where definitions live, how a request body is declared and how a
 * description may sit beside a {@code $ref}.
 */
enum SpecVersion {
    V2("#/definitions/"),
    V3("#/components/schemas/");

    private final String refPrefix;

    SpecVersion(String refPrefix) {
        this.refPrefix = refPrefix;
    }

    String ref(String definition) {
        return refPrefix + definition;
    }

    String refPrefix() {
        return refPrefix;
    }
}
