package io.berth.apiserver.credentials;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the api-service issues credentials ({@code berth.apiserver.*}, next to {@code ApiServerProperties}); the
 * defaults run a local cluster. Key files default to the layout {@code bin/berth pki} writes under
 * {@code berth.pki.dir}.
 *
 * @param serviceAccountKeyFile            the ES256 signing key, PKCS#8 PEM; default {@code <pki>/sa.key}
 * @param serviceAccountPublicKeyFile      its public half (PEM); default {@code <pki>/sa.pub}
 * @param serviceAccountIssuer             the {@code iss} of every token, and the OIDC discovery issuer
 * @param serviceAccountJwksUri            {@code jwks_uri} in the discovery document; default
 *                                         {@code <issuer>/openid/v1/jwks}
 * @param apiAudiences                     audiences a token gets when the request names none; default the issuer
 * @param serviceAccountMaxTokenExpiration longer TokenRequests are shortened to this (1 h to 2^32 s)
 * @param nodeCredentialExpiration         lifetime of a node credential (at least 10 minutes)
 */
@ConfigurationProperties("berth.apiserver")
public record CredentialProperties(
        Path serviceAccountKeyFile,
        Path serviceAccountPublicKeyFile,
        @DefaultValue("https://kubernetes.default.svc.cluster.local") String serviceAccountIssuer,
        String serviceAccountJwksUri,
        List<String> apiAudiences,
        @DefaultValue("48h") Duration serviceAccountMaxTokenExpiration,
        @DefaultValue("365d") Duration nodeCredentialExpiration) {

    static final Duration MIN_MAX_EXPIRATION = Duration.ofHours(1);
    static final Duration MAX_EXPIRATION = Duration.ofSeconds(1L << 32);

    public CredentialProperties {
        if (serviceAccountIssuer == null || serviceAccountIssuer.isBlank()) {
            throw new IllegalArgumentException("berth.apiserver.service-account-issuer must not be empty");
        }
        apiAudiences = apiAudiences == null || apiAudiences.isEmpty() ? List.of(serviceAccountIssuer)
                : List.copyOf(apiAudiences);
        if (serviceAccountMaxTokenExpiration.compareTo(MIN_MAX_EXPIRATION) < 0
                || serviceAccountMaxTokenExpiration.compareTo(MAX_EXPIRATION) > 0) {
            throw new IllegalArgumentException("berth.apiserver.service-account-max-token-expiration must be between "
                    + "1 hour and 2^32 seconds, got " + serviceAccountMaxTokenExpiration);
        }
        if (nodeCredentialExpiration.compareTo(TokenRequestRules.MIN_EXPIRATION) < 0
                || nodeCredentialExpiration.compareTo(MAX_EXPIRATION) > 0) {
            throw new IllegalArgumentException("berth.apiserver.node-credential-expiration must be between "
                    + "10 minutes and 2^32 seconds, got " + nodeCredentialExpiration);
        }
    }

    public Path serviceAccountKeyFile(Path pkiDir) {
        return serviceAccountKeyFile != null ? serviceAccountKeyFile : pkiDir.resolve("sa.key");
    }

    public Path serviceAccountPublicKeyFile(Path pkiDir) {
        return serviceAccountPublicKeyFile != null ? serviceAccountPublicKeyFile : pkiDir.resolve("sa.pub");
    }

    /** The configured {@code jwks_uri}, else {@code <issuer>/openid/v1/jwks}. */
    public String jwksUri() {
        if (serviceAccountJwksUri != null && !serviceAccountJwksUri.isBlank()) {
            return serviceAccountJwksUri;
        }
        return serviceAccountIssuer.replaceAll("/+$", "") + OpenIdMetadata.JWKS_PATH;
    }
}
