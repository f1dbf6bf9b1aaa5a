package io.berth.node.registration;

import io.berth.apimachinery.json.Json;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Obtains the node's credential: the stored one when there is one, else one from {@code POST
 * /api/v1/nodes/{name}/token} authenticated with a bootstrap token (the gateway lets {@code system:bootstrappers} do
 * exactly that, once per node). The bootstrap token is read from its file only when needed and is never logged or
 * stored elsewhere. Not thread safe; called once at start.
 */
public final class NodeRegistrar {

    private static final Pattern BOOTSTRAP_TOKEN = Pattern.compile("^[a-z0-9]{6}\\.[a-z0-9]{16}$");

    private final URI apiServer;
    private final Path caFile;
    private final Path bootstrapTokenFile;
    private final NodeCredentialStore store;

    public NodeRegistrar(URI apiServer, Path caFile, Path bootstrapTokenFile, NodeCredentialStore store) {
        this.apiServer = apiServer;
        this.caFile = caFile;
        this.bootstrapTokenFile = bootstrapTokenFile;
        this.store = store;
    }

    /** The node credential for {@code node}; registers the node when none is stored. */
    public String credential(String node) {
        return store.load().orElseGet(() -> {
            String token = register(node);
            store.save(token);
            return token;
        });
    }

    private String register(String node) {
        if (bootstrapTokenFile == null) {
            throw new RegistrationException("no node credential in " + store.file()
                    + " and no berth.node.bootstrap-token-file to register with");
        }
        String bootstrap;
        try {
            bootstrap = Files.readString(bootstrapTokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new RegistrationException("cannot read the bootstrap token file " + bootstrapTokenFile, e);
        }
        if (!BOOTSTRAP_TOKEN.matcher(bootstrap).matches()) {
            throw new RegistrationException("the bootstrap token file " + bootstrapTokenFile
                    + " does not hold a token of the form [a-z0-9]{6}.[a-z0-9]{16}");
        }
        HttpRequest request = HttpRequest.newBuilder(apiServer.resolve("/api/v1/nodes/" + node + "/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bootstrap)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}"))
                .build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().sslContext(trusting(caFile))
                    .connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistrationException("cannot reach " + apiServer + " to register node " + node, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistrationException("interrupted while registering node " + node, e);
        }
        if (response.statusCode() == 409) {
            throw new RegistrationException("node " + node + " is already registered but its credential is not in "
                    + store.file() + ": an administrator must delete the Secret kube-system/node-credential-" + node
                    + " before it can register again");
        }
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw new RegistrationException("registering node " + node + " answered " + response.statusCode() + ": "
                    + message(response.body()));
        }
        String token = Json.tree(response.body().getBytes(StandardCharsets.UTF_8)).path("status").path("token")
                .asString("");
        if (token.isEmpty()) {
            throw new RegistrationException("registering node " + node + " answered without a token");
        }
        return token;
    }

    private static String message(String body) {
        try {
            String m = Json.tree(body.getBytes(StandardCharsets.UTF_8)).path("message").asString("");
            return m.isEmpty() ? body : m;
        } catch (RuntimeException e) {
            return body;
        }
    }

    /** TLS that trusts only the PEM certificates in {@code caFile}. */
    public static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA file " + caFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the CA file " + caFile, e);
        }
    }

    /** Registration failed; the message says why and what to do. */
    public static final class RegistrationException extends RuntimeException {
        public RegistrationException(String message) {
            super(message);
        }

        public RegistrationException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
