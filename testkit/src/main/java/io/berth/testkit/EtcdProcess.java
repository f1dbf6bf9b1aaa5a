package io.berth.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real etcd for tests, with client-certificate auth as in a real cluster: only holders of a certificate of
 * the etcd CA (the api-service's {@link #clientCert()}) get in.
 *
 * <p>Where it runs: the {@code etcd} binary on PATH, on free ports and in a temporary data folder; else, when a
 * Docker engine answers, the {@value #CONTAINER_IMAGE} container (Testcontainers) with the PKI folder mounted;
 * else {@link #start} fails with {@value #INSTALL_HINT}.
 *
 * <p>Lifecycle: {@link #start} returns once etcd answers {@code /health}; {@link #stop} and {@link #restart}
 * keep the endpoint and the data (for tests of lost connections); {@link #close} stops etcd and deletes the
 * data. Processes still running when the JVM exits are stopped by a shutdown hook. Thread-safe.
 */
public final class EtcdProcess implements AutoCloseable {

    /** How long etcd may take to become healthy; ~1 s is usual, the rest is margin for a loaded CI machine. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    public static final String INSTALL_HINT = "install etcd: apt-get install -y etcd-server "
            + "(or put an etcd 3.4+ binary on PATH, or start a Docker engine for the container fallback)";
    static final String CONTAINER_IMAGE = "quay.io/coreos/etcd:v3.5.17";

    private static final Logger LOG = LoggerFactory.getLogger(EtcdProcess.class);
    private static final int MAX_START_ATTEMPTS = 3;
    private static final Duration HEALTH_REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final Set<EtcdProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(EtcdProcess::close), "berth-etcd-cleanup"));
    }

    private final Path pkiDir;
    private final EtcdRuntime runtime;
    private final HttpClient healthClient;
    private boolean closed;

    private EtcdProcess(Path pkiDir, EtcdRuntime runtime) {
        this.pkiDir = pkiDir;
        this.runtime = runtime;
        this.healthClient = HttpClient.newBuilder()
                .sslContext(PemSsl.mutual(caCert(), clientCert(), clientKey()))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(HEALTH_REQUEST_TIMEOUT)
                .build();
    }

    /** Starts etcd with the JVM's shared PKI ({@link Pki#shared()}). */
    public static EtcdProcess start() {
        return start(Pki.shared());
    }

    /** Starts etcd with the certificates in {@code pkiDir}, a folder {@link Pki#generate} has filled. */
    public static EtcdProcess start(Path pkiDir) {
        Path pki = pkiDir.toAbsolutePath();
        for (String file : List.of(Pki.ETCD_CA_CERT, Pki.ETCD_SERVER_CERT, Pki.ETCD_SERVER_KEY,
                Pki.APISERVER_ETCD_CLIENT_CERT, Pki.APISERVER_ETCD_CLIENT_KEY)) {
            if (!Files.isRegularFile(pki.resolve(file))) {
                throw new IllegalArgumentException(pki + " has no " + file + ": fill it with Pki.generate(dir) first");
            }
        }
        return start(pki, runtimes(pki, System.getenv("PATH"), ContainerEtcd::dockerAvailable));
    }

    /**
     * Where etcd will run: a factory of fresh runtimes (each start attempt gets new ports), or the install hint
     * when neither a binary nor a Docker engine is there.
     */
    static Supplier<EtcdRuntime> runtimes(Path pkiDir, String path, BooleanSupplier dockerAvailable) {
        Optional<Path> binary = LocalEtcd.findBinary(path);
        if (binary.isPresent()) {
            return () -> new LocalEtcd(binary.get(), pkiDir, FreePorts.next(), FreePorts.next());
        }
        if (dockerAvailable.getAsBoolean()) {
            return () -> new ContainerEtcd(pkiDir);
        }
        throw new IllegalStateException("no etcd binary on PATH and no Docker engine: " + INSTALL_HINT);
    }

    static EtcdProcess start(Path pkiDir, Supplier<EtcdRuntime> runtimes) {
        for (int attempt = 1; ; attempt++) {
            EtcdRuntime runtime = runtimes.get();
            EtcdProcess etcd = null;
            try {
                etcd = new EtcdProcess(pkiDir, runtime);
                // Registered before it runs, so a JVM exiting during start-up still stops it.
                LIVE.add(etcd);
                runtime.start();
                etcd.awaitHealthy();
                LOG.info("started {}", runtime);
                return etcd;
            } catch (RuntimeException e) {
                // Free ports are only free when chosen: another process may bind one first. Fresh ports fix that.
                boolean retry = attempt < MAX_START_ATTEMPTS && runtime.lostPortRace();
                if (etcd != null) {
                    LIVE.remove(etcd);
                }
                runtime.close();
                if (!retry) {
                    throw e;
                }
                LOG.info("etcd lost a port race, retrying on other ports ({})", e.getMessage());
            }
        }
    }

    /** {@code https://127.0.0.1:<port>}, the value for the api-service's {@code berth.etcd.endpoints}. */
    public String endpoint() {
        return runtime.endpoint();
    }

    /** The PKI folder whose etcd CA and server certificate this etcd uses. */
    public Path pkiDir() {
        return pkiDir;
    }

    /** The etcd CA certificate, which clients trust. */
    public Path caCert() {
        return pkiDir.resolve(Pki.ETCD_CA_CERT);
    }

    /** The api-service's etcd client certificate ({@code CN=berth-api-service}). */
    public Path clientCert() {
        return pkiDir.resolve(Pki.APISERVER_ETCD_CLIENT_CERT);
    }

    /** The key of {@link #clientCert()}. */
    public Path clientKey() {
        return pkiDir.resolve(Pki.APISERVER_ETCD_CLIENT_KEY);
    }

    /** etcd's data folder on this machine, or null when it runs in a container. Deleted by {@link #close()}. */
    public Path dataDir() {
        return runtime.dataDir();
    }

    public synchronized boolean isRunning() {
        return !closed && runtime.isRunning();
    }

    /** Whether etcd answers {@code /health} with {@code "health":"true"} to a client holding the client certificate. */
    public boolean isHealthy() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                .timeout(HEALTH_REQUEST_TIMEOUT)
                .GET()
                .build();
        try {
            HttpResponse<String> response = healthClient.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops etcd (TERM, then KILL after a grace period) and keeps its endpoint and data. Idempotent. */
    public synchronized void stop() {
        runtime.stop();
    }

    /** Starts a stopped etcd again on the same endpoint with the same data, and waits until it is healthy. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("etcd at " + endpoint() + " is closed");
        }
        runtime.stop();
        runtime.start();
        awaitHealthy();
    }

    /** Stops etcd and deletes its data. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LIVE.remove(this);
        runtime.close();
    }

    private void awaitHealthy() {
        try {
            Awaitility.await("etcd healthy at " + endpoint())
                    .atMost(STARTUP_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!runtime.isRunning()) {
                            throw new IllegalStateException(runtime + " exited before it became healthy; last log lines:\n"
                                    + runtime.logTail());
                        }
                        return isHealthy();
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(runtime + " is not healthy after " + STARTUP_TIMEOUT.toSeconds()
                    + " s; last log lines:\n" + runtime.logTail(), e);
        }
    }

    @Override
    public String toString() {
        return runtime.toString();
    }
}
