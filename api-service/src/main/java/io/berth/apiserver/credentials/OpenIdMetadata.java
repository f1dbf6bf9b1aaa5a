package io.berth.apiserver.credentials;

import io.berth.apimachinery.auth.ServiceAccountKeys;
import io.berth.apimachinery.json.Json;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes' service-account issuer discovery, rendered once from the public key: the OpenID provider configuration
 * at {@value #CONFIG_PATH} and the JWK set at {@value #JWKS_PATH}, byte for byte the shape kube-apiserver serves, so
 * relying parties outside the cluster can verify Berth's tokens. Immutable.
 */
public final class OpenIdMetadata {

    public static final String CONFIG_PATH = "/.well-known/openid-configuration";
    public static final String JWKS_PATH = "/openid/v1/jwks";
    public static final String CONFIG_CONTENT_TYPE = "application/json";
    public static final String JWKS_CONTENT_TYPE = "application/jwk-set+json";
    /** kube-apiserver's Cache-Control for both documents with static keys. */
    public static final String CACHE_CONTROL = "public, max-age=3600";

    private final byte[] configuration;
    private final byte[] keySet;

    private OpenIdMetadata(byte[] configuration, byte[] keySet) {
        this.configuration = configuration;
        this.keySet = keySet;
    }

    /**
     * The documents for {@code issuer}, or empty when the issuer is not an https URL without query and fragment (OIDC
     * requires one; kube-apiserver then serves no discovery either).
     */
    public static Optional<OpenIdMetadata> create(String issuer, String jwksUri, List<ECPublicKey> keys) {
        if (!isHttpsUrl(issuer, true) || !isHttpsUrl(jwksUri, false)) {
            return Optional.empty();
        }
        ObjectNode config = Json.object();
        config.put("issuer", issuer);
        config.put("jwks_uri", jwksUri);
        config.putArray("response_types_supported").add("id_token");
        config.putArray("subject_types_supported").add("public");
        config.putArray("id_token_signing_alg_values_supported").add(ServiceAccountKeys.ALGORITHM.getName());
        ObjectNode set = Json.object();
        var array = set.putArray("keys");
        for (ECPublicKey key : keys) {
            Map<String, Object> jwk = ServiceAccountKeys.jwk(key).toJSONObject();
            // go-jose's field order, so the document reads as Kubernetes' does
            ObjectNode k = array.addObject();
            for (String field : List.of("use", "kty", "kid", "crv", "alg", "x", "y")) {
                k.put(field, String.valueOf(jwk.get(field)));
            }
        }
        return Optional.of(new OpenIdMetadata(Json.write(config), Json.write(set)));
    }

    static boolean isHttpsUrl(String value, boolean issuer) {
        try {
            URI uri = new URI(value);
            return "https".equals(uri.getScheme()) && uri.getHost() != null
                    && (!issuer || (uri.getRawQuery() == null && uri.getRawFragment() == null));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    public byte[] configuration() {
        return configuration.clone();
    }

    public byte[] keySet() {
        return keySet.clone();
    }
}
