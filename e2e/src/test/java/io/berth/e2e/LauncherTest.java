package io.berth.e2e;

import io.berth.testkit.FreePorts;
import io.berth.testkit.Kubectl;
import io.berth.testkit.PemSsl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code bin/berth up} as a user runs it: a fresh state folder, the built jars, then kubectl with the kubeconfig it
 * wrote. Runs on its own ports so it can share the machine with the other suites.
 */
class LauncherTest {

    private static Path home;
    private static Map<String, String> env;
    private static Path repo;

    @BeforeAll
    static void up() throws Exception {
        home = Files.createTempDirectory("berth-home-").resolve("state");
        int[] ports = FreePorts.next(7);
        env = Map.of("BERTH_HOME", home.toString(),
                "BERTH_ETCD_PORT", Integer.toString(ports[0]),
                "BERTH_ETCD_PEER_PORT", Integer.toString(ports[1]),
                "BERTH_API_PORT", Integer.toString(ports[2]),
                "BERTH_API_MANAGEMENT_PORT", Integer.toString(ports[3]),
                "BERTH_GATEWAY_PORT", Integer.toString(ports[4]),
                "BERTH_GATEWAY_MANAGEMENT_PORT", Integer.toString(ports[5]),
                "BERTH_START_TIMEOUT", "120");
        repo = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        Result up = berth("up");
        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output()).contains("export KUBECONFIG=" + home.resolve("kubeconfig"));
    }

    @AfterAll
    static void down() throws Exception {
        Result down = berth("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        berth("reset");
    }

    record Result(int exitCode, String output) {
    }

    private static Result berth(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(repo.resolve("bin/berth").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), new String(out));
    }

    @Test
    void kubectlWithTheGeneratedKubeconfigListsTheFourNamespaces() {
        try (Kubectl kubectl = new Kubectl(home.resolve("kubeconfig"))) {
            Kubectl.Result ns = kubectl.run("get", "ns", "-o", "name");
            assertThat(ns.exitCode()).as(ns.stderr()).isZero();
            assertThat(ns.stdout().lines().sorted().toList()).containsExactly("namespace/default",
                    "namespace/kube-node-lease", "namespace/kube-public", "namespace/kube-system");
        }
    }

    @Test
    void theStateFolderAndItsSecretsArePrivate() throws IOException {
        assertThat(Files.getPosixFilePermissions(home)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        for (Path secret : List.of(home.resolve("tokens.csv"), home.resolve("kubeconfig"),
                home.resolve("pki/ca.key"), home.resolve("pki/etcd/ca.key"))) {
            assertThat(Files.getPosixFilePermissions(secret)).as(secret.toString())
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
    }

    @Test
    void etcdRefusesAClientWithoutACertificate() {
        SSLContext noClientCert = PemSsl.trusting(home.resolve("pki/etcd/ca.crt"));
        HttpClient client = HttpClient.newBuilder().sslContext(noClientCert).connectTimeout(Duration.ofSeconds(5))
                .build();
        URI health = URI.create("https://127.0.0.1:" + env.get("BERTH_ETCD_PORT") + "/health");

        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);

        SSLContext withCert = PemSsl.mutual(home.resolve("pki/etcd/ca.crt"),
                home.resolve("pki/apiserver-etcd-client.crt"), home.resolve("pki/apiserver-etcd-client.key"));
        HttpClient authenticated = HttpClient.newBuilder().sslContext(withCert).build();
        assertThat(send(authenticated, health).body()).contains("\"health\":\"true\"");
    }

    @Test
    void runningUpTwiceIsHarmless() throws Exception {
        Result again = berth("up");
        assertThat(again.exitCode()).as(again.output()).isZero();
        Result status = berth("status");
        assertThat(status.output()).as(() -> status.output() + logTails())
                .contains("etcd").contains("api-service").contains("gateway").contains("scheduler").contains("controller")
                .doesNotContain("stopped");
    }

    /** The last lines of each component's log, to say why one stopped. */
    private static String logTails() {
        StringBuilder out = new StringBuilder();
        try (var logs = Files.list(home.resolve("logs"))) {
            for (Path log : logs.sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                out.append("\n--- ").append(log.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
        } catch (IOException e) {
            out.append("\n(no logs: ").append(e).append(')');
        }
        return out.toString();
    }

    private static HttpResponse<String> send(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
