package io.berth.apimachinery.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs {@link TokenClaims} as compact JWS (ES256, header {@code kid} = {@link ServiceAccountKeys#keyId}), the form
 * Kubernetes' TokenRequest answers with. Thread safe: nimbus' signer is, and nothing else is mutable.
 */
public final class TokenSigner {

    private final ECDSASigner signer;
    private final ECPublicKey publicKey;
    private final String keyId;

    /**
     * A signer over a key pair. The pair is checked at once (a probe signed with the private key must verify with the
     * public key), so a mismatched {@code sa.key}/{@code sa.pub} fails start-up instead of every token.
     *
     * @throws IllegalStateException if the keys are not a P-256 pair
     */
    public TokenSigner(ECPrivateKey privateKey, ECPublicKey publicKey) {
        try {
            this.signer = new ECDSASigner(privateKey);
            SignedJWT probe = new SignedJWT(new JWSHeader(ServiceAccountKeys.ALGORITHM),
                    new JWTClaimsSet.Builder().subject("probe").build());
            probe.sign(signer);
            if (!probe.verify(new ECDSAVerifier(publicKey))) {
                throw new IllegalStateException("the service account private and public keys are not a key pair");
            }
        } catch (JOSEException e) {
            throw new IllegalStateException("the service account key cannot sign ES256 tokens: " + e.getMessage());
        }
        this.publicKey = publicKey;
        this.keyId = ServiceAccountKeys.keyId(publicKey);
    }

    /**
     * A signer from {@code sa.key} and {@code sa.pub}.
     *
     * @throws IllegalStateException naming the file when a key is missing, unreadable or not a pair
     */
    public static TokenSigner fromFiles(Path privateKeyFile, Path publicKeyFile) {
        ECPrivateKey privateKey = ServiceAccountKeys.readPrivateKey(privateKeyFile);
        List<ECPublicKey> publicKeys = ServiceAccountKeys.readPublicKeys(publicKeyFile);
        if (publicKeys.size() != 1) {
            throw new IllegalStateException("the service account public key file " + publicKeyFile
                    + " must hold exactly the public half of " + privateKeyFile + ", found " + publicKeys.size() + " keys");
        }
        try {
            return new TokenSigner(privateKey, publicKeys.get(0));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(privateKeyFile + " and " + publicKeyFile + ": " + e.getMessage(), e);
        }
    }

    public ECPublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The compact serialization of a JWT carrying {@code claims}. */
    public String sign(TokenClaims claims) {
        JWTClaimsSet.Builder set = new JWTClaimsSet.Builder()
                .issuer(claims.issuer())
                .subject(claims.subject())
                .audience(claims.audiences())
                .issueTime(Date.from(claims.issuedAt()))
                .notBeforeTime(Date.from(claims.notBefore()))
                .expirationTime(Date.from(claims.expiry()))
                .jwtID(claims.id());
        if (claims.serviceAccount() != null) {
            set.claim(TokenClaims.KUBERNETES_CLAIM, kubernetesClaim(claims.serviceAccount()));
        } else {
            TokenClaims.NodeCredentialClaim node = claims.nodeCredential();
            Map<String, Object> claim = new LinkedHashMap<>();
            claim.put("secretName", node.secretName());
            claim.put("secretUid", node.secretUid());
            claim.put("node", node.node());
            set.claim(TokenClaims.NODE_CREDENTIAL_CLAIM, claim);
        }
        Map<String, Object> payload = set.build().toJSONObject();
        // nimbus writes a single audience as a string; Kubernetes always writes the list
        payload.put("aud", claims.audiences());
        JWSObject jws = new JWSObject(new JWSHeader.Builder(ServiceAccountKeys.ALGORITHM).keyID(keyId).build(),
                new Payload(payload));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a token failed: " + e.getMessage(), e);
        }
        return jws.serialize();
    }

    private static Map<String, Object> kubernetesClaim(TokenClaims.ServiceAccountClaim sa) {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("namespace", sa.namespace());
        claim.put("serviceaccount", ref(sa.serviceAccount()));
        if (sa.pod() != null) {
            claim.put("pod", ref(sa.pod()));
        }
        if (sa.node() != null) {
            claim.put("node", ref(sa.node()));
        }
        return claim;
    }

    private static Map<String, Object> ref(TokenClaims.Ref ref) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", ref.name());
        if (!ref.uid().isEmpty()) {
            m.put("uid", ref.uid());
        }
        return m;
    }
}
