package io.berth.e2e;

import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.testkit.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real kubectl 1.32 through the gateway with the generated kubeconfig, without {@code --validate=false}. */
class KubectlTest {

    private static final String NS = "kubectl-e2e";
    private static Kubectl kubectl;

    @BeforeAll
    static void setUp() {
        kubectl = new Kubectl(SharedCluster.get().kubeconfig());
        kubectl.runWithInput("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NS + "\n", "create", "-f", "-")
                .orThrow();
    }

    @AfterAll
    static void tearDown() {
        kubectl.close();
    }

    private static Path manifest(Path dir, String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    private static String deployment(int replicas, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: %s
                  labels:
                    app: web
                spec:
                  replicas: %d
                  selector:
                    matchLabels:
                      app: web
                  template:
                    metadata:
                      labels:
                        app: web
                    spec:
                      containers:
                      - name: nginx
                        image: %s
                        ports:
                        - containerPort: 80
                        env:
                        - name: MODE
                          value: blue
                """.formatted(NS, replicas, image);
    }

    @Test
    void createGetAndDeleteAPodFromAManifest(@TempDir Path dir) throws IOException {
        Path pod = manifest(dir, "pod.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: hello
                  namespace: %s
                spec:
                  containers:
                  - name: main
                    image: busybox:1.36
                    command: ["sleep", "3600"]
                """.formatted(NS));

        Kubectl.Result created = kubectl.run("create", "-f", pod.toString());
        assertThat(created.stdout()).as(created.stderr()).contains("pod/hello created");

        Kubectl.Result table = kubectl.run("get", "pods", "-n", NS);
        assertThat(table.exitCode()).as(table.stderr()).isZero();
        assertThat(table.stdout().lines().findFirst().orElse(""))
                .containsSubsequence("NAME", "READY", "STATUS", "RESTARTS", "AGE");
        assertThat(table.stdout()).containsPattern("hello\\s+0/1\\s+Pending\\s+0\\s+\\d+s");

        Kubectl.Result deleted = kubectl.run("delete", "-f", pod.toString());
        assertThat(deleted.stdout()).as(deleted.stderr()).contains("pod \"hello\" deleted");
        assertThat(kubectl.run("get", "pod", "hello", "-n", NS).stderr()).contains("NotFound");
    }

    @Test
    void applyTwiceSendsAStrategicMergePatch(@TempDir Path dir) throws IOException {
        Path v1 = manifest(dir, "deploy.yaml", deployment(2, "nginx:1.25"));
        Kubectl.Result first = kubectl.run("apply", "-f", v1.toString());
        assertThat(first.stdout()).as(first.stderr()).contains("deployment.apps/web created");

        Kubectl.Result again = kubectl.run("apply", "-f", v1.toString());
        assertThat(again.stdout()).as(again.stderr()).contains("deployment.apps/web unchanged");

        Path v2 = manifest(dir, "deploy.yaml", deployment(3, "nginx:1.27"));
        Kubectl.Result second = kubectl.run("apply", "-f", v2.toString(), "-v=6");
        assertThat(second.stdout()).as(second.stderr()).contains("deployment.apps/web configured");
        assertThat(second.stderr()).contains("PATCH https://");

        Kubectl.Result image = kubectl.run("get", "deployment", "web", "-n", NS, "-o",
                "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} "
                        + "{.spec.template.spec.containers[0].env[0].value} {.metadata.generation}");
        assertThat(image.stdout()).isEqualTo("3 nginx:1.27 blue 2");

        Kubectl.Result deployments = kubectl.run("get", "deployments", "-n", NS);
        assertThat(deployments.stdout().lines().findFirst().orElse(""))
                .containsSubsequence("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE");
    }

    @Test
    void getPodsWatchPrintsRowsForNewEvents() {
        try (Kubectl.Running watch = kubectl.start("get", "pods", "-n", NS, "-w")) {
            kubectl.run("run", "watched", "-n", NS, "--image=busybox:1.36", "--restart=Never", "--",
                    "sleep", "1").orThrow();
            String row = watch.awaitLine(Duration.ofSeconds(30), l -> l.startsWith("watched"));
            assertThat(row).containsPattern("watched\\s+0/1\\s+Pending");
            kubectl.run("label", "pod", "watched", "-n", NS, "seen=yes").orThrow();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(watch.lines().stream().filter(l -> l.startsWith("watched")).count())
                            .isGreaterThanOrEqualTo(2));
        }
    }

    @Test
    void getNamespacesListsTheSystemNamespaces() {
        Kubectl.Result ns = kubectl.run("get", "ns");
        assertThat(ns.exitCode()).as(ns.stderr()).isZero();
        assertThat(ns.stdout()).containsPattern("default\\s+Active")
                .containsPattern("kube-system\\s+Active")
                .containsPattern("kube-public\\s+Active")
                .containsPattern("kube-node-lease\\s+Active");
    }

    @Test
    void apiResourcesListsEveryRegisteredResource() {
        Kubectl.Result resources = kubectl.run("api-resources");
        assertThat(resources.exitCode()).as(resources.stderr()).isZero();
        for (ResourceType type : ResourceRegistry.builtIn().all()) {
            assertThat(resources.stdout()).as(type.toString())
                    .containsPattern("(?m)^" + type.resource() + "\\s+.*" + type.kind());
        }
    }

    @Test
    void explainPrintsFieldDocs() {
        Kubectl.Result explain = kubectl.run("explain", "pod.spec.containers");
        assertThat(explain.exitCode()).as(explain.stderr()).isZero();
        assertThat(explain.stdout()).contains("FIELDS:").contains("image").contains("Container image name");
    }

    @Test
    void aManifestWithAnUnknownFieldIsRefusedNamingTheField(@TempDir Path dir) throws IOException {
        Path bad = manifest(dir, "bad.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: typo
                  namespace: %s
                spec:
                  containers:
                  - name: main
                    image: busybox:1.36
                    imagePullPolicyy: Never
                """.formatted(NS));
        Kubectl.Result result = kubectl.run("create", "-f", bad.toString());
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("unknown field \"spec.containers[0].imagePullPolicyy\"");
        assertThat(kubectl.run("get", "pod", "typo", "-n", NS).stderr()).contains("NotFound");
    }

    @Test
    void typedCommandsSendProtobufBodiesThatAreUnderstood() {
        Kubectl.Result ns = kubectl.run("create", "namespace", "typed-e2e");
        assertThat(ns.stdout()).as(ns.stderr()).contains("namespace/typed-e2e created");
        Kubectl.Result cm = kubectl.run("create", "configmap", "settings", "-n", "typed-e2e", "--from-literal=mode=fast");
        assertThat(cm.stdout()).as(cm.stderr()).contains("configmap/settings created");
        assertThat(kubectl.run("get", "configmap", "settings", "-n", "typed-e2e", "-o", "jsonpath={.data.mode}")
                .stdout()).isEqualTo("fast");
        Kubectl.Result secret = kubectl.run("create", "secret", "generic", "pw", "-n", "typed-e2e",
                "--from-literal=password=s3cret");
        assertThat(secret.stdout()).as(secret.stderr()).contains("secret/pw created");
    }

    @Test
    void whoamiAndCanIAnswerForTheAdmin() {
        Kubectl.Result whoami = kubectl.run("auth", "whoami");
        assertThat(whoami.stdout()).as(whoami.stderr()).containsPattern("Username\\s+admin")
                .contains("system:masters");
        assertThat(kubectl.run("auth", "can-i", "create", "pods").stdout().trim()).isEqualTo("yes");
    }
}
