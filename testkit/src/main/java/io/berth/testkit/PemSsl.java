package io.berth.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@link SSLContext}s from the PEM files of the cluster's PKI, for HTTPS clients in tests (the JDK's
 * {@code HttpClient}, for instance) that talk to etcd, the api-service or the gateway.
 *
 * <p>Keys must be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), as {@link Pki} writes them; EC, RSA and
 * Ed25519 keys are read. Every method reads the files anew and returns a new object.
 */
public final class PemSsl {

    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519");

    private PemSsl() {
    }

    /** A context that trusts the CA in {@code caCert} and presents no client certificate. */
    public static SSLContext trusting(Path caCert) {
        return context(null, trustManagers(caCert));
    }

    /** A context that trusts the CA in {@code caCert} and presents {@code clientCert} (mutual TLS). */
    public static SSLContext mutual(Path caCert, Path clientCert, Path clientKey) {
        return context(keyManagers(clientCert, clientKey), trustManagers(caCert));
    }

    /** Key managers that present the certificate chain in {@code cert} with the key in {@code key}. */
    public static KeyManager[] keyManagers(Path cert, Path key) {
        try {
            List<X509Certificate> chain = certificates(cert);
            // The store lives only in memory; a password is still required by PKCS12 for key entries.
            char[] password = new BigInteger(130, new SecureRandom()).toString(32).toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", privateKey(key), password, chain.toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot use " + cert + " with " + key + " as a client certificate", e);
        }
    }

    /** Trust managers that accept servers whose chain ends at a certificate in {@code caCert}. */
    public static TrustManager[] trustManagers(Path caCert) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : certificates(caCert)) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust the CA certificates in " + caCert, e);
        }
    }

    /** Every certificate in a PEM file, in file order. */
    public static List<X509Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (certificates.isEmpty()) {
                throw new IllegalStateException(pem + " holds no certificate");
            }
            return certificates;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pem, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(pem + " is not a PEM certificate file", e);
        }
    }

    /** The unencrypted PKCS#8 private key in a PEM file. */
    public static PrivateKey privateKey(Path pem) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pem, e);
        }
        Matcher matcher = PKCS8.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException(pem + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in " + pem.getFileName() + "'");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(matcher.group(1)));
        // PKCS#8 names the algorithm inside the DER, but the JDK has no factory that reads it from there.
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException wrongAlgorithm) {
                // try the next one
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the key in " + pem, e);
            }
        }
        throw new IllegalStateException(pem + " holds a key that is neither " + String.join(", ", KEY_ALGORITHMS));
    }

    private static SSLContext context(KeyManager[] keyManagers, TrustManager[] trustManagers) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }
}
