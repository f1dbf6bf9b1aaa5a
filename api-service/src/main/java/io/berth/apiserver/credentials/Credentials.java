package io.berth.apiserver.credentials;

import io.berth.apimachinery.auth.TokenSigner;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apiserver.admission.Admission;
import io.berth.apiserver.storage.EtcdStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Everything the api-service needs to issue credentials: the two {@code token} subresources and the issuer's
 * discovery documents, over one signing key read from files at start-up. Immutable and thread safe.
 *
 * @param openId empty when the issuer is not an https URL (no discovery is served then)
 */
public record Credentials(
        ServiceAccountTokenIssuer serviceAccountTokens,
        NodeCredentialIssuer nodeCredentials,
        Optional<OpenIdMetadata> openId) {

    private static final Logger log = LoggerFactory.getLogger(Credentials.class);

    /**
     * Reads the signing key pair and builds the issuers.
     *
     * @throws IllegalStateException when a key file is missing, unreadable or the two do not match, naming the file
     *                               and the property that sets it; the service must not start without its key
     */
    public static Credentials load(CredentialProperties props, Path pkiDir, ResourceRegistry registry, EtcdStore store,
                                   Admission admission, Clock clock) {
        Path keyFile = props.serviceAccountKeyFile(pkiDir);
        Path publicKeyFile = props.serviceAccountPublicKeyFile(pkiDir);
        TokenSigner signer;
        try {
            signer = TokenSigner.fromFiles(keyFile, publicKeyFile);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("cannot load the service account signing key (berth.apiserver."
                    + "service-account-key-file, berth.apiserver.service-account-public-key-file): " + e.getMessage(), e);
        }
        Optional<OpenIdMetadata> openId = OpenIdMetadata.create(props.serviceAccountIssuer(), props.jwksUri(),
                List.of(signer.publicKey()));
        if (openId.isEmpty()) {
            log.warn("service account issuer discovery is off: the issuer {} and jwks_uri {} must be https URLs "
                    + "without query or fragment", props.serviceAccountIssuer(), props.jwksUri());
        }
        log.info("issuing service account tokens and node credentials as {} with key {} (audiences {})",
                props.serviceAccountIssuer(), signer.keyId(), props.apiAudiences());
        return new Credentials(new ServiceAccountTokenIssuer(registry, store, signer, props, clock),
                new NodeCredentialIssuer(registry, store, admission, signer, props, clock), openId);
    }
}
