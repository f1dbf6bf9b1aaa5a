package io.berth.apiserver.openapi;

import io.berth.apimachinery.registry.ResourceRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The real kubectl 1.32 reads the documents: {@code kubectl explain} and {@code kubectl create} against a stub
 * server that serves legacy discovery and {@link OpenApiDocuments}, with a fresh HOME and cache so nothing is
 * reused between runs.
 */
class KubectlOpenApiTest {

    private static StubApiServer server;
    @TempDir
    static Path home;

    @BeforeAll
    static void startServer() throws IOException {
        ResourceRegistry registry = ResourceRegistry.builtIn();
        server = new StubApiServer(registry, new OpenApiDocuments(registry));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void kubectlExplainsPodContainersWithTheirFieldDocumentation() throws Exception {
        Result result = kubectl("explain", "pod.spec.containers");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("KIND:       Pod", "VERSION:    v1", "FIELD: containers <[]Container>", "FIELDS:")
                .contains("image\t<string>", "Container image name.")
                .contains("name\t<string> -required-")
                .contains("env\t<[]EnvVar>", "resources\t<ResourceRequirements>");
        assertThat(server.requests).anyMatch(r -> r.startsWith("GET /openapi/v3/api/v1?hash="));
    }

    @Test
    void kubectlExplainsDeploymentStrategyInTheAppsGroup() throws Exception {
        Result result = kubectl("explain", "deployment.spec.strategy");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("GROUP:      apps", "KIND:       Deployment", "FIELD: strategy <DeploymentStrategy>")
                .contains("rollingUpdate\t<RollingUpdateDeployment>", "type\t<string>");
    }

    @Test
    void kubectlExplainsQuantitiesAndIntOrStringsWithKubernetesTypeNames() throws Exception {
        Result resources = kubectl("explain", "pod.spec.containers.resources");
        Result rollingUpdate = kubectl("explain", "deployment.spec.strategy.rollingUpdate");

        assertThat(resources.output()).as(resources.output()).contains("limits\t<map[string]Quantity>");
        assertThat(rollingUpdate.output()).as(rollingUpdate.output()).contains("maxSurge\t<IntOrString>");
    }

    @Test
    void kubectlExplainsAClusterScopedKindOfANamedGroup() throws Exception {
        Result result = kubectl("explain", "clusterrole.rules");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("GROUP:      rbac.authorization.k8s.io", "KIND:       ClusterRole",
                "verbs\t<[]string> -required-");
    }

    @Test
    void kubectlCreateAsksTheServerForStrictFieldValidation() throws Exception {
        Path manifest = home.resolve("pod.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  namespace: default
                spec:
                  containers:
                  - name: web
                    image: nginx
                """);

        Result result = kubectl("create", "-f", manifest.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(server.requests).as(result.output())
                .anyMatch(r -> r.startsWith("POST /api/v1/namespaces/default/pods?")
                        && r.contains("fieldValidation=Strict"));
        assertThat(server.requests).noneMatch(r -> r.startsWith("GET /openapi/v2"));
    }

    @Test
    void kubectlApplyTakesStrategicMergePatchMetadataFromTheV3Documents() throws Exception {
        Path manifest = home.resolve("deployment.yaml");
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: shop
                  namespace: default
                spec:
                  selector:
                    matchLabels: {app: shop}
                  template:
                    metadata:
                      labels: {app: shop}
                    spec:
                      containers:
                      - name: shop
                        image: shop:IMAGE
                        env:
                        - {name: A, value: "1"}
                """;
        Files.writeString(manifest, deployment.replace("IMAGE", "1"));
        assertThat(kubectl("apply", "-f", manifest.toString()).exitCode()).isZero();
        server.requests.clear();

        Files.writeString(manifest, deployment.replace("IMAGE", "2"));
        Result result = kubectl("apply", "-f", manifest.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(server.patches).as(result.output()).singleElement().asString()
                .startsWith("application/strategic-merge-patch+json ")
                .contains("\"$setElementOrder/containers\":[{\"name\":\"shop\"}]", "\"image\":\"shop:2\"");
        assertThat(server.requests).anyMatch(r -> r.startsWith("GET /openapi/v3/apis/apps/v1?hash="))
                .noneMatch(r -> r.startsWith("GET /openapi/v2"));
    }

    private record Result(int exitCode, String output) {
    }

    private static Result kubectl(String... args) throws Exception {
        Path kubeconfig = home.resolve("kubeconfig");
        if (!Files.exists(kubeconfig)) {
            Files.writeString(kubeconfig, "");
        }
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
                "--server", server.url(), "--cache-dir", home.resolve("cache").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        builder.environment().remove("KUBECONFIG");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return fail("kubectl 1.32 must be on PATH for this test (install it, e.g. from "
                    + "https://dl.k8s.io/release/v1.32.0/bin/linux/amd64/kubectl): " + e.getMessage());
        }
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return fail("kubectl did not finish in 60 s: " + new String(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
