package io.berth.testkit;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * A whole Berth control plane of real processes for integration tests and benchmarks: a real etcd with client
 * certificates, N api-service replicas and the gateway, each a separate JVM started from its built jar, plus a
 * static token file (an admin in {@code system:masters}, a plain user, and the node simulator
 * {@code system:berth-simulator}) and a kubeconfig for the gateway. Node agents are started on demand:
 *
 * <pre>{@code
 * NodeAgentHandle sim = cluster.startNodeAgent("sim", Map.of(
 *         "berth.node.simulate.count", "1000",
 *         "berth.node.simulate.token-file", cluster.simulatorTokenFile().toString()));
 * }</pre>
 *
 * <pre>{@code
 * try (ClusterHarness cluster = ClusterHarness.builder().apiReplicas(2).start()) {
 *     cluster.kubeconfig();  // for kubectl or fabric8
 * }
 * }</pre>
 *
 * The jars are found through the system properties {@code berth.jar.api-service}, {@code berth.jar.gateway} and
 * {@code berth.jar.node-agent}, else under the repository's {@code <module>/target}. Thread safe for the stop/start
 * calls.
 */
public final class ClusterHarness implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final Path workDir;
    private final Path pkiDir;
    private final EtcdProcess etcd;
    private final List<ServiceProcess> apiServices = new ArrayList<>();
    private ServiceProcess gateway;
    private final String adminToken = token();
    private final String userToken = token();
    private final String simulatorToken = token();
    private final Path tokenFile;
    private final Path simulatorTokenFile;
    private final String schedulerToken = token();
    private final Path schedulerTokenFile;
    private final List<SchedulerHandle> schedulers = new ArrayList<>();
    private final String controllerToken = token();
    private final Path controllerTokenFile;
    private final List<ControllerHandle> controllers = new ArrayList<>();
    private final List<NodeAgentHandle> nodeAgents = new ArrayList<>();
    private final Path kubeconfig;
    private final Builder config;

    private ClusterHarness(Builder config) {
        this.config = config;
        try {
            this.workDir = Files.createTempDirectory("berth-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.pkiDir = Pki.shared();
        this.etcd = EtcdProcess.start(pkiDir);
        this.tokenFile = workDir.resolve("tokens.csv");
        this.simulatorTokenFile = workDir.resolve("simulator.token");
        this.schedulerTokenFile = workDir.resolve("scheduler.token");
        this.controllerTokenFile = workDir.resolve("controller.token");
        this.kubeconfig = workDir.resolve("kubeconfig");
    }

    /** The node agent's JVM flags on a real node, as {@code bin/berth up} starts it. */
    public static final List<String> REAL_NODE_JVM = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k");

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a harness; {@link #start()} starts it. */
    public static final class Builder {
        private int apiReplicas = 1;
        // MetaspaceSize: no full collection each time class loading crosses the next metaspace threshold (with
        // the serial collector, such a pause reached 0.4 s on a busy machine and held a simulator's timers back)
        private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:MetaspaceSize=192m"));
        private final Map<String, String> apiProperties = new LinkedHashMap<>();
        private final Map<String, String> gatewayProperties = new LinkedHashMap<>();

        public Builder apiReplicas(int n) {
            this.apiReplicas = n;
            return this;
        }

        /** JVM flags for every service; the default favours start-up time (C1 only, small heaps). */
        public Builder jvmArgs(String... args) {
            jvmArgs.clear();
            jvmArgs.addAll(List.of(args));
            return this;
        }

        public Builder apiServiceProperty(String key, String value) {
            apiProperties.put(key, value);
            return this;
        }

        public Builder gatewayProperty(String key, String value) {
            gatewayProperties.put(key, value);
            return this;
        }

        public ClusterHarness start() {
            ClusterHarness harness = new ClusterHarness(this);
            try {
                harness.startAll();
                return harness;
            } catch (RuntimeException e) {
                harness.close();
                throw e;
            }
        }
    }

    private void startAll() {
        writeTokens();
        seedEtcdHistory();
        int[] ports = FreePorts.next(config.apiReplicas * 2 + 2);
        for (int i = 0; i < config.apiReplicas; i++) {
            List<String> args = new ArrayList<>(List.of(
                    "--berth.pki.dir=" + pkiDir,
                    "--berth.etcd.endpoints=" + etcd.endpoint(),
                    "--berth.etcd.prefix=/registry",
                    "--server.port=" + ports[2 * i],
                    "--management.server.port=" + ports[2 * i + 1]));
            config.apiProperties.forEach((k, v) -> args.add("--" + k + "=" + v));
            apiServices.add(new ServiceProcess("api-service-" + i, jar("api-service"), config.jvmArgs, args,
                    ports[2 * i], ports[2 * i + 1], workDir.resolve("api-service-" + i + ".log")));
        }
        apiServices.forEach(ServiceProcess::start);
        apiServices.forEach(s -> s.awaitReady(STARTUP));
        int gatewayPort = ports[config.apiReplicas * 2];
        int gatewayManagement = ports[config.apiReplicas * 2 + 1];
        List<String> args = new ArrayList<>(List.of(
                "--berth.pki.dir=" + pkiDir,
                "--berth.gateway.token-file=" + tokenFile,
                "--berth.gateway.audit.path=" + workDir.resolve("audit").resolve("audit"),
                "--berth.gateway.api-servers=" + String.join(",", apiServiceUrls()),
                "--server.port=" + gatewayPort,
                "--management.server.port=" + gatewayManagement));
        config.gatewayProperties.forEach((k, v) -> args.add("--" + k + "=" + v));
        gateway = new ServiceProcess("gateway", jar("gateway"), config.jvmArgs, args, gatewayPort, gatewayManagement,
                workDir.resolve("gateway.log"));
        gateway.start();
        gateway.awaitReady(STARTUP);
        writeKubeconfig();
        awaitNamespaces();
    }

    /**
     * Writes two keys outside the cluster's prefix before any replica starts, so the watch caches begin after
     * revision 1 and a watch from resourceVersion 1 is "too old", as on any cluster with a past.
     */
    private void seedEtcdHistory() {
        HttpClient client = HttpClient.newBuilder().sslContext(PemSsl.mutual(etcd.caCert(), etcd.clientCert(),
                etcd.clientKey())).connectTimeout(Duration.ofSeconds(5)).build();
        Base64.Encoder b64 = Base64.getEncoder();
        for (int i = 0; i < 2; i++) {
            String body = "{\"key\":\"" + b64.encodeToString("/berth-harness/seed".getBytes(StandardCharsets.UTF_8))
                    + "\",\"value\":\"" + b64.encodeToString(Integer.toString(i).getBytes(StandardCharsets.UTF_8))
                    + "\"}";
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v3/kv/put"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("etcd refused the seed write: " + r.statusCode() + " " + r.body());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void awaitNamespaces() {
        HttpClient client = httpClient();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(gatewayUrl()
                            + "/api/v1/namespaces/kube-node-lease"))
                    .header("Authorization", "Bearer " + adminToken).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        });
    }

    private void writeTokens() {
        String csv = adminToken + ",admin," + UUID.randomUUID() + ",\"system:masters\"\n"
                + userToken + ",alice," + UUID.randomUUID() + ",\"tenants,developers\"\n"
                + simulatorToken + ",system:berth-simulator," + UUID.randomUUID() + "\n"
                + schedulerToken + ",system:kube-scheduler," + UUID.randomUUID() + "\n"
                + controllerToken + ",system:kube-controller-manager," + UUID.randomUUID() + "\n";
        writePrivate(tokenFile, csv);
        writePrivate(simulatorTokenFile, simulatorToken + "\n");
        writePrivate(schedulerTokenFile, schedulerToken + "\n");
        writePrivate(controllerTokenFile, controllerToken + "\n");
    }

    private void writeKubeconfig() {
        String ca;
        try {
            ca = Base64.getEncoder().encodeToString(Files.readAllBytes(caCert()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: berth
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: admin
                  user:
                    token: %s
                contexts:
                - name: berth
                  context:
                    cluster: berth
                    user: admin
                current-context: berth
                """.formatted(gatewayUrl(), ca, adminToken);
        writePrivate(kubeconfig, yaml);
    }

    private static void writePrivate(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String token() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A service jar: the system property {@code berth.jar.<name>}, else the newest exec jar under its target. */
    static Path jar(String module) {
        String configured = System.getProperty("berth.jar." + module);
        if (configured != null && !configured.isEmpty()) {
            return Path.of(configured);
        }
        Path target = Pki.launcher().getParent().getParent().resolve(module).resolve("target");
        try (var files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-exec.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + module + " jar under " + target
                            + ": build it first (mvn -DskipTests package)"));
        } catch (IOException e) {
            throw new IllegalStateException("no " + module + " jar under " + target
                    + ": build it first (mvn -DskipTests package)", e);
        }
    }

    public String gatewayUrl() {
        return "https://127.0.0.1:" + gateway.port();
    }

    public List<String> apiServiceUrls() {
        return apiServices.stream().map(s -> "https://127.0.0.1:" + s.port()).toList();
    }

    /** Each api-service replica's management (Actuator) base URL, plain HTTP on loopback. */
    public List<String> apiServiceManagementUrls() {
        return apiServices.stream().map(s -> "http://127.0.0.1:" + s.managementPort()).toList();
    }

    public String adminToken() {
        return adminToken;
    }

    /** A token of user {@code alice} in groups {@code tenants} and {@code developers}: not an admin. */
    public String userToken() {
        return userToken;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public Path pkiDir() {
        return pkiDir;
    }

    public Path caCert() {
        return pkiDir.resolve(Pki.CA_CERT);
    }

    public Path tokenFile() {
        return tokenFile;
    }

    /**
     * Starts a scheduler-service replica called {@code name} (its Lease holder identity) with {@code properties}
     * ({@code berth.scheduler.*}) and waits until its informers have listed. The harness stops it on {@link #close}.
     */
    public SchedulerHandle startScheduler(String name, Map<String, String> properties) {
        SchedulerHandle scheduler = SchedulerHandle.create(name, jar("scheduler-service"), config.jvmArgs, pkiDir,
                gatewayUrl(), schedulerTokenFile, workDir, properties);
        synchronized (schedulers) {
            schedulers.add(scheduler);
        }
        scheduler.start(STARTUP);
        return scheduler;
    }

    /**
     * Starts a controller-service replica called {@code name} (its Lease holder identity) with {@code properties}
     * ({@code berth.controller.*}) and waits until it is ready. The harness stops it on {@link #close}.
     */
    public ControllerHandle startController(String name, Map<String, String> properties) {
        ControllerHandle controller = ControllerHandle.create(name, jar("controller-service"), config.jvmArgs, pkiDir,
                gatewayUrl(), controllerTokenFile, workDir, properties);
        synchronized (controllers) {
            controllers.add(controller);
        }
        controller.start(STARTUP);
        return controller;
    }

    /**
     * A file holding the node simulator's token (user {@code system:berth-simulator}, its own RBAC role and priority
     * level), for {@code berth.node.simulate.token-file}.
     */
    public Path simulatorTokenFile() {
        return simulatorTokenFile;
    }

    /**
     * Starts a node agent against this cluster and waits until it is ready (up to 2 minutes); see
     * {@link #startNodeAgent(String, Map, Duration)}.
     */
    public NodeAgentHandle startNodeAgent(String name, Map<String, String> properties) {
        return startNodeAgent(name, properties, STARTUP);
    }

    /**
     * Starts a node agent (the {@code node-agent} jar, with this harness's JVM flags) against this cluster and waits
     * until its readiness answers 200. It gets {@code --berth.pki.dir}, {@code --berth.node.api-server=}(the
     * gateway), {@code --berth.node.name=<name>}, free {@code --server.port} (also {@code berth.node.port}) and
     * {@code --management.server.port}, {@code --berth.node.state-dir=<workDir>/nodes/<name>}, then
     * {@code properties}, which may override any of them. Its log is {@code logFile("node-agent-<name>")}. The
     * harness stops it on {@link #close}.
     *
     * @param readyTimeout how long it may take to become ready (a simulator registering thousands of nodes takes
     *                     a while)
     */
    public NodeAgentHandle startNodeAgent(String name, Map<String, String> properties, Duration readyTimeout) {
        NodeAgentHandle agent = nodeAgent(name, properties, readyTimeout);
        agent.start();
        return agent;
    }

    /**
     * A node agent as {@link #startNodeAgent(String, Map, Duration)} starts it, not started yet: for a caller that
     * wants to look at an agent that does not become ready (its metrics, its log) before giving up on it. The
     * harness stops it on {@link #close}.
     */
    public NodeAgentHandle nodeAgent(String name, Map<String, String> properties, Duration readyTimeout) {
        // a real node gets the small heap bin/berth gives it; a simulator of thousands of nodes needs more
        List<String> jvmArgs = properties.containsKey("berth.node.simulate.count") ? config.jvmArgs : REAL_NODE_JVM;
        NodeAgentHandle agent = NodeAgentHandle.create(name, jar("node-agent"), jvmArgs, pkiDir, gatewayUrl(),
                workDir, properties, readyTimeout);
        synchronized (nodeAgents) {
            nodeAgents.add(agent);
        }
        return agent;
    }

    public EtcdProcess etcd() {
        return etcd;
    }

    public int apiReplicas() {
        return apiServices.size();
    }

    public Path logFile(String component) {
        return workDir.resolve(component + ".log");
    }

    /** An HTTP client that trusts the cluster CA (for the gateway and the api-service's serving certificates). */
    public HttpClient httpClient() {
        return HttpClient.newBuilder().sslContext(PemSsl.trusting(caCert()))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** TLS with the gateway's own client certificate: what only the gateway may hold (tests of the api-service). */
    public SSLContext frontProxyClientSsl() {
        return PemSsl.mutual(caCert(), pkiDir.resolve(Pki.FRONT_PROXY_CLIENT_CERT),
                pkiDir.resolve(Pki.FRONT_PROXY_CLIENT_KEY));
    }

    /** Stops replica {@code i} (kill, as a crash would) and waits until its process is gone. */
    public void stopApiService(int i) {
        apiServices.get(i).stop();
    }

    public void startApiService(int i) {
        ServiceProcess s = apiServices.get(i);
        s.start();
        s.awaitReady(STARTUP);
    }

    @Override
    public void close() {
        synchronized (controllers) {
            controllers.forEach(ControllerHandle::close);
        }
        synchronized (schedulers) {
            schedulers.forEach(SchedulerHandle::close);
        }
        synchronized (nodeAgents) {
            nodeAgents.forEach(NodeAgentHandle::close);
        }
        if (gateway != null) {
            gateway.stop();
        }
        apiServices.forEach(ServiceProcess::stop);
        etcd.close();
        if (!Boolean.getBoolean("berth.keep-logs")) {
            TempFiles.deleteQuietly(workDir);
        }
    }
}
