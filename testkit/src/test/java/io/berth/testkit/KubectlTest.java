package io.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real kubectl; no API server is needed for these commands. Skipped where kubectl is not installed. */
@EnabledIf("kubectlInstalled")
class KubectlTest {

    private static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: berth
              cluster:
                server: https://127.0.0.1:1
            users:
            - name: admin
              user:
                token: not-a-secret
            contexts:
            - name: berth
              context:
                cluster: berth
                user: admin
            current-context: berth
            """;

    @TempDir
    static Path tmp;
    static Path kubeconfig;

    static boolean kubectlInstalled() {
        return onPath("kubectl");
    }

    static boolean onPath(String name) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    @BeforeAll
    static void writeKubeconfig() throws IOException {
        kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), KUBECONFIG);
    }

    @Test
    void runsKubectlWithTheGivenKubeconfig() {
        try (Kubectl kubectl = new Kubectl(kubeconfig)) {
            Kubectl.Result result = kubectl.run("config", "current-context");

            assertThat(result.exitCode()).isZero();
            assertThat(result.stdout().strip()).isEqualTo("berth");
        }
    }

    @Test
    void aFailedCommandIsAResultWithItsExitCodeAndStderr() {
        try (Kubectl kubectl = new Kubectl(kubeconfig)) {
            Kubectl.Result result = kubectl.run("no-such-subcommand");

            assertThat(result.succeeded()).isFalse();
            assertThat(result.stderr()).contains("no-such-subcommand");
            assertThatThrownBy(result::orThrow).hasMessageContaining("no-such-subcommand");
        }
    }

    @Test
    void passesInputOnStandardInput() {
        try (Kubectl kubectl = new Kubectl(kubeconfig)) {
            Kubectl.Result result = kubectl.runWithInput("""
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: from-stdin
                    """, "label", "--local", "-f", "-", "tier=test", "-o", "name");

            assertThat(result.stdout().strip()).as(result.toString()).isEqualTo("configmap/from-stdin");
        }
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilledAndReported() {
        try (Kubectl kubectl = new Kubectl(kubeconfig)) {
            assertThatThrownBy(() -> kubectl.run(Duration.ofSeconds(2), "proxy", "--port=0"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("did not finish within");
        }
    }

    @Test
    void theLinesOfALongRunningCommandCanBeAwaitedAndClosingStopsIt() {
        try (Kubectl kubectl = new Kubectl(kubeconfig); Kubectl.Running proxy = kubectl.start("proxy", "--port=0")) {
            String line = proxy.awaitLineContaining("Starting to serve on 127.0.0.1:");

            assertThat(proxy.lines()).contains(line);
            proxy.close();
            assertThat(proxy.isAlive()).isFalse();
        }
    }

    @Test
    void awaitingALineThatNeverComesFailsWithTheOutput() {
        try (Kubectl kubectl = new Kubectl(kubeconfig); Kubectl.Running version = kubectl.start("version", "--client")) {
            assertThatThrownBy(() -> version.awaitLine(Duration.ofSeconds(20), line -> line.contains("never printed")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with 0")
                    .hasMessageContaining("Client Version");
        }
    }

    @Test
    void eachInstanceHasItsOwnHomeWhichClosingDeletes() {
        Kubectl first = new Kubectl(kubeconfig);
        Kubectl second = new Kubectl(kubeconfig);

        assertThat(first.home()).isDirectory().isNotEqualTo(second.home());
        first.close();
        second.close();
        assertThat(first.home()).doesNotExist();
        assertThat(second.home()).doesNotExist();
    }
}
