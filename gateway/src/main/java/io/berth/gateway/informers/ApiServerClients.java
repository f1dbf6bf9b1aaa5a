package io.berth.gateway.informers;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.net.URI;
import java.nio.file.Path;

/**
 * fabric8 clients for the gateway's own connection to an api-service replica: straight to the replica (not through
 * the gateway's authorizer), authenticated by the front-proxy client certificate, so the api-service sees the user
 * {@code system:berth-gateway} (ARCHITECTURE.md, "Identity and trust").
 */
public final class ApiServerClients {

    private ApiServerClients() {
    }

    /** A client for one replica; the caller closes it. */
    public static KubernetesClient connect(URI apiServer, Path pkiDir) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(apiServer.toString())
                .withCaCertFile(pkiDir.resolve("ca.crt").toString())
                .withClientCertFile(pkiDir.resolve("front-proxy-client.crt").toString())
                .withClientKeyFile(pkiDir.resolve("front-proxy-client.key").toString())
                .withClientKeyAlgo("EC")
                .withRequestTimeout(10_000)
                .withConnectionTimeout(2_000)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
