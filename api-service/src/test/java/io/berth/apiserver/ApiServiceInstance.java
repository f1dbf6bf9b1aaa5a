package io.berth.apiserver;

import io.berth.apiserver.bootstrap.Bootstrap;
import io.berth.apiserver.watch.WatchCaches;
import io.berth.testkit.EtcdProcess;
import io.berth.testkit.PemSsl;
import io.berth.testkit.Pki;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import static org.awaitility.Awaitility.await;

/**
 * A real api-service (the whole Spring application, in this JVM) on a real etcd under its own key prefix, and an
 * HTTP client that talks to it as the gateway does: mutual TLS with the front-proxy client certificate and the
 * {@code X-Remote-User}/{@code X-Remote-Group} headers. {@link #close()} stops it; another instance on the same
 * prefix is a restart, or a second replica.
 */
public final class ApiServiceInstance implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    /**
     * Held while a replica sets up logging. Logback's context is one per JVM and Spring Boot resets and refills it
     * as an application's environment is prepared; two replicas doing that at once can leave one without the
     * Spring environment it looks up ("Unable to find Spring Environment in logger context"). Replicas still start
     * their contexts, caches and bootstrap concurrently: the lock is released once the context is prepared.
     */
    private static final ReentrantLock LOGGING_SETUP = new ReentrantLock();

    private final ConfigurableApplicationContext context;
    private final HttpClient client;
    private final String url;

    private ApiServiceInstance(ConfigurableApplicationContext context, HttpClient client, String url) {
        this.context = context;
        this.client = client;
        this.url = url;
    }

    /** Starts a replica and waits until it is ready (caches loaded, namespaces and default policy in place). */
    public static ApiServiceInstance start(EtcdProcess etcd, String prefix) {
        Path pki = etcd.pkiDir();
        ConfigurableApplicationContext context;
        LOGGING_SETUP.lock();
        try {
            context = new SpringApplicationBuilder(ApiServiceApplication.class)
                    .listeners(event -> {
                        if (event instanceof ApplicationPreparedEvent && LOGGING_SETUP.isHeldByCurrentThread()) {
                            LOGGING_SETUP.unlock();
                        }
                    })
                    .run("--berth.pki.dir=" + pki,
                            "--berth.etcd.endpoints=" + etcd.endpoint(),
                            "--berth.etcd.prefix=" + prefix,
                            "--server.port=0",
                            "--management.server.port=0",
                            "--berth.apiserver.compaction-interval=0");
        } finally {
            if (LOGGING_SETUP.isHeldByCurrentThread()) {
                LOGGING_SETUP.unlock();
            }
        }
        try {
            await().atMost(STARTUP).until(() -> context.getBean(WatchCaches.class).isReady()
                    && context.getBean(Bootstrap.class).isDone());
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        HttpClient client = HttpClient.newBuilder()
                .sslContext(PemSsl.mutual(pki.resolve(Pki.CA_CERT), pki.resolve(Pki.FRONT_PROXY_CLIENT_CERT),
                        pki.resolve(Pki.FRONT_PROXY_CLIENT_KEY)))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return new ApiServiceInstance(context, client, "https://127.0.0.1:" + port);
    }

    /** The gateway-like client (front-proxy certificate), for requests {@link #send} does not cover (WebSockets). */
    public HttpClient client() {
        return client;
    }

    /** {@code https://127.0.0.1:<port>} of this replica. */
    public String url() {
        return url;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** A request as the gateway forwards it for {@code user} in {@code groups}; a null user is the gateway itself. */
    public HttpResponse<String> send(String method, String path, String contentType, byte[] body, String user,
                                     String... groups) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (user != null) {
            b.header("X-Remote-User", user);
            List<String> all = new ArrayList<>(List.of(groups));
            all.add("system:authenticated");
            for (String g : all) {
                b.header("X-Remote-Group", g);
            }
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String user, String... groups) {
        return send("GET", path, null, null, user, groups);
    }

    public HttpResponse<String> post(String path, String json, String user, String... groups) {
        return send("POST", path, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8), user,
                groups);
    }

    public HttpResponse<String> put(String path, String json, String user, String... groups) {
        return send("PUT", path, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8), user,
                groups);
    }

    public HttpResponse<String> patch(String path, String mergePatch, String user, String... groups) {
        return send("PATCH", path, "application/merge-patch+json",
                mergePatch.getBytes(java.nio.charset.StandardCharsets.UTF_8), user, groups);
    }

    public HttpResponse<String> delete(String path, String user, String... groups) {
        return send("DELETE", path, null, null, user, groups);
    }

    @Override
    public void close() {
        context.close();
    }
}
