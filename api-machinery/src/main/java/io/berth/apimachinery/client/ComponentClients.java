package io.berth.apimachinery.client;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fabric8 client of a control-plane component (scheduler, controller manager): the gateway's URL, the cluster CA,
 * the component's own token from a private file, and the timeouts and retries every component uses. Fails at start-up
 * with a message naming the setting when the token or the CA cannot be read.
 */
public final class ComponentClients {

    private ComponentClients() {
    }

    /**
     * @param prefix    the component's settings prefix ({@code berth.scheduler}), for messages
     * @param user      the user its token belongs to ({@code system:kube-scheduler}), for messages
     * @param tokenFile the token file, or null (refused: a component never runs without its own identity)
     * @param ca        the CA certificate that signed the gateway's
     */
    public static KubernetesClient create(String prefix, String user, URI apiServer, Path tokenFile, Path ca,
                                          String userAgent) {
        if (tokenFile == null) {
            throw new IllegalStateException(prefix + ".token-file is required: the token of user " + user);
        }
        String token;
        try {
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + prefix + ".token-file " + tokenFile, e);
        }
        if (!Files.isReadable(ca)) {
            throw new IllegalStateException("cannot read the cluster CA certificate " + ca + " (" + prefix
                    + ".ca-file, default ca.crt in berth.pki.dir)");
        }
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(apiServer.toString())
                .withCaCertFile(ca.toString())
                .withOauthToken(token)
                .withUserAgent(userAgent)
                .withConnectionTimeout(5_000)
                .withRequestTimeout(10_000)
                .withRequestRetryBackoffLimit(3)
                .withRequestRetryBackoffInterval(200)
                .withWatchReconnectInterval(1_000)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
