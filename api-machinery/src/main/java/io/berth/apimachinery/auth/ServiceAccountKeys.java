package io.berth.apimachinery.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service-account signing key as files: {@code sa.key} (EC P-256, unencrypted PKCS#8 PEM, what
 * {@code bin/berth pki} writes) and {@code sa.pub} (its public half, PEM {@code PUBLIC KEY}), plus the key id and the
 * JWK set Kubernetes derives from the public key. Only ES256 (P-256) keys are accepted. Stateless.
 *
 * <p>Error messages name the file and the problem, never the key material.
 */
public final class ServiceAccountKeys {

    /** The one signing algorithm: ES256 on P-256. */
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private ServiceAccountKeys() {
    }

    /**
     * Reads the private key from a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}).
     *
     * @throws IllegalStateException if the file is missing, unreadable, or not a P-256 PKCS#8 key; the message says
     *                               which
     */
    public static ECPrivateKey readPrivateKey(Path file) {
        List<byte[]> blocks = pemBlocks(read(file, "service account signing key"), "PRIVATE KEY");
        if (blocks.size() != 1) {
            throw new IllegalStateException("the service account signing key " + file + " must hold exactly one "
                    + "PKCS#8 PEM block (-----BEGIN PRIVATE KEY-----), found " + blocks.size()
                    + "; generate it with bin/berth pki");
        }
        try {
            if (KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)))
                    instanceof ECPrivateKey key) {
                requireP256(key.getParams(), file);
                return key;
            }
        } catch (GeneralSecurityException e) {
            // reported below without the cause's text, which could quote key bytes
        }
        throw new IllegalStateException("the service account signing key " + file
                + " is not an EC P-256 private key in PKCS#8 form");
    }

    /**
     * Reads the verification keys from a file: one or more PEM {@code PUBLIC KEY} blocks (such as {@code sa.pub}), or
     * a JWK set document (such as the one served at {@code /openid/v1/jwks}). Keys other than EC P-256 are refused.
     *
     * @throws IllegalStateException if the file is missing, unreadable, or holds no usable key
     */
    public static List<ECPublicKey> readPublicKeys(Path file) {
        String text = read(file, "service account public key");
        List<ECPublicKey> keys = text.stripLeading().startsWith("{") ? fromJwks(text, file) : fromPem(text, file);
        if (keys.isEmpty()) {
            throw new IllegalStateException("the service account public key file " + file + " holds no key");
        }
        return keys;
    }

    /** The public keys of a JWK set document ({@code {"keys": [...]}}); only EC P-256 keys are kept. */
    public static List<ECPublicKey> fromJwks(String json, Object source) {
        try {
            List<ECPublicKey> keys = new ArrayList<>();
            for (JWK jwk : JWKSet.parse(json).getKeys()) {
                if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                    keys.add(ec.toECPublicKey());
                }
            }
            return keys;
        } catch (ParseException | com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException("the JWK set in " + source + " cannot be parsed: " + e.getMessage());
        }
    }

    private static List<ECPublicKey> fromPem(String text, Path file) {
        List<ECPublicKey> keys = new ArrayList<>();
        for (byte[] der : pemBlocks(text, "PUBLIC KEY")) {
            try {
                if (KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der)) instanceof ECPublicKey key) {
                    requireP256(key.getParams(), file);
                    keys.add(key);
                    continue;
                }
            } catch (GeneralSecurityException e) {
                // reported below
            }
            throw new IllegalStateException("the service account public key file " + file
                    + " holds a PUBLIC KEY block that is not an EC P-256 key");
        }
        return keys;
    }

    /**
     * Kubernetes' key id: base64url (unpadded) of the SHA-256 of the DER SubjectPublicKeyInfo, so the {@code kid} of
     * Berth's tokens and JWK set is what Kubernetes would compute for the same key.
     */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWK of a key as Kubernetes publishes it: {@code use: sig}, {@code alg: ES256}, {@code kid}. */
    public static ECKey jwk(ECPublicKey key) {
        return new ECKey.Builder(Curve.P_256, key)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(ALGORITHM)
                .keyID(keyId(key))
                .build();
    }

    /** The JWK set document ({@code {"keys":[...]}}) of the given public keys. */
    public static String jwks(List<ECPublicKey> keys) {
        return new JWKSet(keys.stream().map(k -> (JWK) jwk(k)).toList()).toString(true);
    }

    private static void requireP256(ECParameterSpec params, Path file) {
        if (!Curve.P_256.equals(Curve.forECParameterSpec(params))) {
            throw new IllegalStateException("the key in " + file + " is not on curve P-256; service account tokens "
                    + "are signed with ES256 only");
        }
    }

    private static String read(Path file, String what) {
        if (!Files.exists(file)) {
            throw new IllegalStateException("the " + what + " file " + file + " does not exist; bin/berth up (or "
                    + "bin/berth pki DIR) generates it, and a replica never generates its own");
        }
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the " + what + " file " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    private static List<byte[]> pemBlocks(String text, String label) {
        List<byte[]> blocks = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                blocks.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return blocks;
    }
}
