package io.berth.apiserver.openapi;

import io.berth.apimachinery.registry.ResourceRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiDocumentsTest {

    private static final String POD = "io.k8s.api.core.v1.Pod";
    private static final String CONTAINER = "io.k8s.api.core.v1.Container";
    private static OpenApiDocuments documents;
    private static JsonNode coreV1;
    private static JsonNode appsV1;

    @BeforeAll
    static void build() {
        documents = new OpenApiDocuments(ResourceRegistry.builtIn());
        coreV1 = documents.v3Document("api/v1").orElseThrow();
        appsV1 = documents.v3Document("apis/apps/v1").orElseThrow();
    }

    record Operation(String path, String method, String action, String operationId, String kind) {
    }

    static Stream<Operation> podOperations() {
        String ns = "/api/v1/namespaces/{namespace}/pods";
        return Stream.of(
                new Operation(ns, "get", "list", "listCoreV1NamespacedPod", "Pod"),
                new Operation(ns, "post", "post", "createCoreV1NamespacedPod", "Pod"),
                new Operation(ns, "delete", "deletecollection", "deleteCoreV1CollectionNamespacedPod", "Pod"),
                new Operation(ns + "/{name}", "get", "get", "readCoreV1NamespacedPod", "Pod"),
                new Operation(ns + "/{name}", "put", "put", "replaceCoreV1NamespacedPod", "Pod"),
                new Operation(ns + "/{name}", "patch", "patch", "patchCoreV1NamespacedPod", "Pod"),
                new Operation(ns + "/{name}", "delete", "delete", "deleteCoreV1NamespacedPod", "Pod"),
                new Operation("/api/v1/pods", "get", "list", "listCoreV1PodForAllNamespaces", "Pod"),
                new Operation("/api/v1/watch/namespaces/{namespace}/pods/{name}", "get", "watch",
                        "watchCoreV1NamespacedPod", "Pod"),
                new Operation(ns + "/{name}/status", "patch", "patch", "patchCoreV1NamespacedPodStatus", "Pod"),
                new Operation(ns + "/{name}/binding", "post", "post", "createCoreV1NamespacedPodBinding", "Binding"),
                new Operation(ns + "/{name}/log", "get", "get", "readCoreV1NamespacedPodLog", "Pod"),
                new Operation(ns + "/{name}/exec", "get", "connect", "connectCoreV1GetNamespacedPodExec",
                        "PodExecOptions"),
                new Operation(ns + "/{name}/exec", "post", "connect", "connectCoreV1PostNamespacedPodExec",
                        "PodExecOptions"),
                new Operation("/api/v1/nodes/{name}", "get", "get", "readCoreV1Node", "Node"));
    }

    @ParameterizedTest
    @MethodSource("podOperations")
    void operationsCarryKubernetesOperationIdActionAndGroupVersionKind(Operation expected) {
        JsonNode op = coreV1.path("paths").path(expected.path()).path(expected.method());

        assertThat(op.path("operationId").asString()).isEqualTo(expected.operationId());
        assertThat(op.path("x-kubernetes-action").asString()).isEqualTo(expected.action());
        JsonNode gvk = op.path("x-kubernetes-group-version-kind");
        assertThat(gvk.path("group").asString()).isEmpty();
        assertThat(gvk.path("version").asString()).isEqualTo("v1");
        assertThat(gvk.path("kind").asString()).isEqualTo(expected.kind());
    }

    @Test
    void aPodLogIsAPlainTextStringWithThePodLogOptions() {
        JsonNode path = coreV1.path("paths").path("/api/v1/namespaces/{namespace}/pods/{name}/log");

        assertThat(path.path("get").path("responses").path("200").path("content").path("text/plain").path("schema")
                .path("type").asString()).isEqualTo("string");
        assertThat(path.path("parameters").findValuesAsString("name")).contains("container", "follow", "limitBytes",
                "previous", "sinceSeconds", "tailLines", "timestamps", "name", "namespace");
    }

    @Test
    void execIsAConnectOperationWithThePodExecOptions() {
        JsonNode path = coreV1.path("paths").path("/api/v1/namespaces/{namespace}/pods/{name}/exec");

        assertThat(path.path("get").path("responses").path("200").path("content").path("*/*").path("schema")
                .path("type").asString()).isEqualTo("string");
        assertThat(path.path("parameters").findValuesAsString("name")).containsExactly("command", "container",
                "name", "namespace", "stderr", "stdin", "stdout", "tty");
        JsonNode v2 = documents.v2Document().path("paths")
                .path("/api/v1/namespaces/{namespace}/pods/{name}/exec").path("post");
        assertThat(v2.path("responses").path("200").path("schema").path("type").asString()).isEqualTo("string");
    }

    @Test
    void listOperationsTakeEveryListAndWatchParameter() {
        JsonNode list = coreV1.path("paths").path("/api/v1/namespaces/{namespace}/pods").path("get");

        assertThat(parameterNames(list)).contains("watch", "labelSelector", "fieldSelector", "limit", "continue",
                "resourceVersion", "resourceVersionMatch", "timeoutSeconds", "allowWatchBookmarks",
                "sendInitialEvents");
    }

    @Test
    void everyWriteOperationOffersFieldValidationDryRunAndFieldManager() {
        for (String gv : documents.groupVersionPaths()) {
            JsonNode doc = documents.v3Document(gv).orElseThrow();
            doc.path("paths").forEachEntry((path, item) -> {
                for (String method : List.of("post", "put", "patch")) {
                    // a connect operation (exec's POST) writes nothing, and Kubernetes gives it none of these
                    boolean connect = item.path(method).path("x-kubernetes-action").asString().equals("connect");
                    if (item.has(method) && !connect) {
                        assertThat(parameterNames(item.path(method))).as(method + " " + path)
                                .contains("fieldValidation", "dryRun", "fieldManager");
                        assertThat(parameterNames(item)).as(path).contains("pretty");
                    }
                }
            });
        }
    }

    @Test
    void patchAcceptsJsonMergeStrategicAndApplyPatches() {
        JsonNode content = coreV1.path("paths").path("/api/v1/namespaces/{namespace}/pods/{name}").path("patch")
                .path("requestBody").path("content");

        assertThat(content.propertyNames()).containsExactlyInAnyOrder("application/json-patch+json",
                "application/merge-patch+json", "application/strategic-merge-patch+json",
                "application/apply-patch+yaml");
    }

    @Test
    void containerSchemaDescribesImageAndCarriesPatchMergeKeys() {
        JsonNode container = schema(coreV1, CONTAINER);

        assertThat(container.path("description").asString()).contains("single application container");
        assertThat(container.path("properties").path("image").path("description").asString())
                .startsWith("Container image name.");
        assertThat(container.path("properties").path("env").path("x-kubernetes-patch-merge-key").asString())
                .isEqualTo("name");
        assertThat(container.path("properties").path("env").path("x-kubernetes-patch-strategy").asString())
                .isEqualTo("merge");
        assertThat(container.path("properties").path("ports").path("x-kubernetes-patch-merge-key").asString())
                .isEqualTo("containerPort");
        assertThat(texts(container.path("required"))).containsExactly("name");
    }

    @Test
    void podSpecRequiresContainers() {
        assertThat(texts(schema(coreV1, "io.k8s.api.core.v1.PodSpec").path("required"))).contains("containers");
    }

    @Test
    void topLevelKindsCarryTheirGroupVersionKind() {
        assertThat(schema(coreV1, POD).path("x-kubernetes-group-version-kind").get(0).path("kind").asString())
                .isEqualTo("Pod");
        JsonNode deployment = schema(appsV1, "io.k8s.api.apps.v1.Deployment").path("x-kubernetes-group-version-kind");
        assertThat(deployment.get(0).path("group").asString()).isEqualTo("apps");
        assertThat(schema(appsV1, "io.k8s.api.autoscaling.v1.Scale").path("x-kubernetes-group-version-kind")
                .get(0).path("group").asString()).isEqualTo("autoscaling");
    }

    @Test
    void describedReferencesAreWrappedInAllOfInVersion3ButNotInVersion2() {
        JsonNode v3 = schema(coreV1, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
                .path("properties").path("creationTimestamp");
        JsonNode v2 = documents.v2Document().path("definitions")
                .path("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").path("properties").path("creationTimestamp");

        assertThat(v3.path("allOf").get(0).path("$ref").asString())
                .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time");
        assertThat(v3.path("description").asString()).contains("server time when this object was created");
        assertThat(v2.path("$ref").asString()).isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time");
    }

    @Test
    void kubernetesScalarsHaveTheirOwnDefinitions() {
        JsonNode schemas = coreV1.path("components").path("schemas");

        assertThat(schemas.path("io.k8s.apimachinery.pkg.api.resource.Quantity").path("oneOf")).hasSize(2);
        assertThat(schemas.path("io.k8s.apimachinery.pkg.util.intstr.IntOrString")
                .path("x-kubernetes-int-or-string").asBoolean()).isTrue();
        assertThat(schemas.path("io.k8s.apimachinery.pkg.apis.meta.v1.Time").path("format").asString())
                .isEqualTo("date-time");
        assertThat(schema(coreV1, "io.k8s.api.core.v1.ContainerPort").path("properties").path("containerPort")
                .path("format").asString()).isEqualTo("int32");
        assertThat(schema(coreV1, "io.k8s.api.core.v1.Secret").path("properties").path("data")
                .path("additionalProperties").path("format").asString()).isEqualTo("byte");
    }

    @Test
    void freeFormFieldsPreserveUnknownFields() {
        JsonNode object = schema(coreV1, "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent")
                .path("properties").path("object");

        assertThat(object.path("type").asString()).isEqualTo("object");
        assertThat(object.path("x-kubernetes-preserve-unknown-fields").asBoolean()).isTrue();
    }

    @Test
    void scaleSubresourceSpeaksAutoscalingScale() {
        JsonNode get = appsV1.path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale")
                .path("get");

        assertThat(get.path("operationId").asString()).isEqualTo("readAppsV1NamespacedDeploymentScale");
        assertThat(get.path("x-kubernetes-group-version-kind").path("group").asString()).isEqualTo("autoscaling");
        assertThat(get.path("responses").path("200").path("content").path("application/json").path("schema")
                .path("$ref").asString()).isEqualTo("#/components/schemas/io.k8s.api.autoscaling.v1.Scale");
    }

    @Test
    void createOnlyResourcesDescribeOnlyTheirPost() {
        JsonNode doc = documents.v3Document("apis/authorization.k8s.io/v1").orElseThrow();

        JsonNode path = doc.path("paths").path("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
        assertThat(path.has("post")).isTrue();
        assertThat(path.has("get")).isFalse();
        assertThat(doc.path("paths").has("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/{name}")).isFalse();
    }

    @Test
    void everyReferenceResolvesInEveryVersion3Document() {
        for (String gv : documents.groupVersionPaths()) {
            JsonNode doc = documents.v3Document(gv).orElseThrow();
            JsonNode schemas = doc.path("components").path("schemas");
            assertThat(refs(doc)).as(gv).isNotEmpty().allSatisfy(ref -> {
                assertThat(ref).startsWith("#/components/schemas/");
                assertThat(schemas.has(ref.substring("#/components/schemas/".length()))).as(ref).isTrue();
            });
        }
    }

    @Test
    void everyReferenceResolvesInTheVersion2Document() {
        JsonNode doc = documents.v2Document();

        assertThat(doc.path("swagger").asString()).isEqualTo("2.0");
        assertThat(doc.path("paths").has("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")).isTrue();
        assertThat(refs(doc)).isNotEmpty().allSatisfy(ref -> {
            assertThat(ref).startsWith("#/definitions/");
            assertThat(doc.path("definitions").has(ref.substring("#/definitions/".length()))).as(ref).isTrue();
        });
    }

    @Test
    void version2DeclaresBodiesAsParametersAndPatchTypesAsConsumes() {
        JsonNode patch = documents.v2Document().path("paths").path("/api/v1/namespaces/{namespace}/pods/{name}")
                .path("patch");

        assertThat(texts(patch.path("consumes"))).contains("application/strategic-merge-patch+json");
        assertThat(patch.path("parameters").get(0).path("in").asString()).isEqualTo("body");
        assertThat(parameterNames(patch)).contains("fieldValidation");
        assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asString()).isEqualTo("Pod");
    }

    @Test
    void rootLinksEveryServedGroupVersionWithItsHash() {
        JsonNode paths = documents.v3RootDocument().path("paths");

        assertThat(paths.propertyNames()).containsExactlyInAnyOrderElementsOf(documents.groupVersionPaths())
                .contains("api/v1", "apis/apps/v1", "apis/rbac.authorization.k8s.io/v1");
        String hash = documents.v3("api/v1").orElseThrow().hash();
        assertThat(paths.path("api/v1").path("serverRelativeURL").asString())
                .isEqualTo("/openapi/v3/api/v1?hash=" + hash);
    }

    @Test
    void hashesAreStableAcrossBuildsAndAreTheSha512OfTheBody() throws Exception {
        OpenApiDocuments again = new OpenApiDocuments(ResourceRegistry.builtIn());

        assertThat(again.v3Root().body()).isEqualTo(documents.v3Root().body());
        assertThat(again.v2().hash()).isEqualTo(documents.v2().hash());
        OpenApiContent core = documents.v3("api/v1").orElseThrow();
        byte[] digest = MessageDigest.getInstance("SHA-512").digest(core.body());
        assertThat(core.hash()).isEqualTo(HexFormat.of().withUpperCase().formatHex(digest));
        assertThat(core.matches(core.etag())).isTrue();
        assertThat(core.matches("\"stale\"")).isFalse();
    }

    @Test
    void groupVersionPathsAreFoundWithOrWithoutTheirPrefix() {
        assertThat(documents.v3("/openapi/v3/apis/apps/v1")).contains(documents.v3("apis/apps/v1").orElseThrow());
        assertThat(documents.v3("/api/v1")).isPresent();
        assertThat(documents.v3("apis/batch/v1")).isEmpty();
    }

    private static JsonNode schema(JsonNode doc, String name) {
        JsonNode schema = doc.path("components").path("schemas").path(name);
        assertThat(schema.isObject()).as(name + " is defined").isTrue();
        return schema;
    }

    private static List<String> parameterNames(JsonNode operationOrPath) {
        List<String> names = new ArrayList<>();
        operationOrPath.path("parameters").forEach(p -> names.add(p.path("name").asString()));
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    private static List<String> refs(JsonNode node) {
        List<String> out = new ArrayList<>();
        collectRefs(node, out);
        return out;
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.forEachEntry((k, v) -> {
                if (k.equals("$ref")) {
                    out.add(v.asString());
                } else {
                    collectRefs(v, out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(v -> collectRefs(v, out));
        }
    }
}
