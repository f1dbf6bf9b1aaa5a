package io.berth.node.client;

import io.berth.node.config.NodeProperties;
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
 * fabric8 clients for the node agent's connection to the gateway: TLS trusting the cluster CA, a bearer token (the
 * node credential, or the simulator's own token), never a client certificate and never etcd (ARCHITECTURE.md,
 * "Identity and trust").
 *
 * <p>Sized for one agent that writes thousands of times a second (a simulator standing in for thousands of nodes):
 * fabric8's JDK HTTP client speaks HTTP/2 to the gateway, so concurrent requests share one connection as streams;
 * {@code maxConcurrentRequests(PerHost)} are raised too, for the HTTP client implementations that honour them (the
 * JDK one does not: bound what is in flight yourself). Requests time out after 10 s and are retried by fabric8 on
 * 429 and 5xx (honouring {@code Retry-After}) at most {@value #RETRIES} times, so a heartbeat is late rather than
 * stuck behind a long backoff.
 *
 * <p>Stateless; every client it builds is the caller's to close.
 */
public final class ApiClients {

    /** Requests fabric8 retries after 429 or 5xx; its default (10, doubling from 100 ms) would wait minutes. */
    public static final int RETRIES = 3;

    private ApiClients() {
    }

    /**
     * A client of {@code props.apiServer()} authenticated by {@code token}, trusting {@link #caFile}.
     *
     * @param pkiDir {@code berth.pki.dir}: where the CA certificate is when {@code berth.node.ca-file} is unset
     */
    public static KubernetesClient connect(NodeProperties props, Path pkiDir, String token) {
        return connect(props.apiServer(), caFile(props, pkiDir), token);
    }

    /** A client of the gateway at {@code apiServer}, trusting {@code caFile}, authenticated by {@code token}. */
    public static KubernetesClient connect(URI apiServer, Path caFile, String token) {
        if (!Files.isReadable(caFile)) {
            throw new IllegalStateException("cannot read the cluster CA certificate " + caFile
                    + " (berth.node.ca-file, default ca.crt in berth.pki.dir)");
        }
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(apiServer.toString())
                .withCaCertFile(caFile.toString())
                .withOauthToken(token)
                .withUserAgent("berth-node-agent")
                .withConnectionTimeout(5_000)
                .withRequestTimeout(10_000)
                .withRequestRetryBackoffLimit(RETRIES)
                .withRequestRetryBackoffInterval(200)
                .withWatchReconnectInterval(1_000)
                .withMaxConcurrentRequests(4_096)
                .withMaxConcurrentRequestsPerHost(4_096)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * Gives {@link java.util.concurrent.CompletableFuture}'s default executor real threads: call first thing in
     * {@code main}, before anything touches the common pool. The JDK HTTP client under fabric8 completes every
     * asynchronous request through that executor, and on a machine with 2 cores the common pool has a single worker,
     * so the default executor starts a new thread per task: one thread per API request (measured: 100 threads/s for
     * 100 Lease renewals/s). An explicitly configured parallelism is left alone.
     */
    public static void ensureCommonPool() {
        String property = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(property) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(property, "2");
        }
    }

    /** {@code berth.node.ca-file}, else {@code ca.crt} in {@code pkiDir}. */
    public static Path caFile(NodeProperties props, Path pkiDir) {
        return props.caFile() != null ? props.caFile() : pkiDir.resolve("ca.crt");
    }

    /** A token file's content without surrounding white space (files usually end with a newline). */
    public static String readToken(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new IllegalStateException("the token file " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + file, e);
        }
    }
}
