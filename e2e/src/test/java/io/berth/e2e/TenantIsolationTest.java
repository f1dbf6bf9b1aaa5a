package io.berth.e2e;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.testkit.ClusterHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant isolation matrix: two tenants, each a ServiceAccount bound to {@code admin} in its own namespace. For
 * every registered resource, subresource and verb, the answer in the tenant's own namespace is exactly what
 * Kubernetes 1.32's {@code admin} role grants (the table below is transcribed from Kubernetes' bootstrap policy
 * golden file, independently of Berth's policy data), and in the other tenant's namespace always 403. Writes are
 * sent with {@code dryRun=All} so an allowed request changes nothing.
 */
class TenantIsolationTest {

    private static final String A = "tenant-a";
    private static final String B = "tenant-b";
    private static final Set<String> ALL = Set.of("get", "list", "watch", "create", "update", "patch", "delete",
            "deletecollection");
    private static final Set<String> READ = Set.of("get", "list", "watch");

    /** Kubernetes 1.32 {@code admin} (= aggregate-to-admin + aggregate-to-edit + aggregate-to-view) on Berth's resources. */
    private static final Map<String, Set<String>> ADMIN = Map.ofEntries(
            Map.entry("/pods", ALL),
            Map.entry("/pods/status", READ),
            Map.entry("/pods/binding", Set.of()),
            Map.entry("/pods/log", READ),
            Map.entry("/pods/exec", ALL),
            Map.entry("/services", ALL),
            Map.entry("/services/status", READ),
            Map.entry("/endpoints", READ),
            Map.entry("/configmaps", ALL),
            Map.entry("/secrets", ALL),
            Map.entry("/serviceaccounts", ALL),
            Map.entry("/serviceaccounts/token", Set.of("create")),
            Map.entry("/events", ALL),
            Map.entry("/resourcequotas", READ),
            Map.entry("/resourcequotas/status", READ),
            Map.entry("/limitranges", READ),
            Map.entry("apps/deployments", ALL),
            Map.entry("apps/deployments/status", READ),
            Map.entry("apps/deployments/scale", Set.of("get", "list", "watch", "create", "update", "patch", "delete",
                    "deletecollection")),
            Map.entry("apps/replicasets", ALL),
            Map.entry("apps/replicasets/status", READ),
            Map.entry("apps/replicasets/scale", Set.of("get", "list", "watch", "create", "update", "patch", "delete",
                    "deletecollection")),
            Map.entry("coordination.k8s.io/leases", ALL),
            Map.entry("rbac.authorization.k8s.io/roles", ALL),
            Map.entry("rbac.authorization.k8s.io/rolebindings", ALL),
            Map.entry("networking.k8s.io/networkpolicies", ALL),
            Map.entry("discovery.k8s.io/endpointslices", READ),
            Map.entry("authorization.k8s.io/localsubjectaccessreviews", Set.of("create")));

    private static ClusterHarness cluster;
    private static Http http;
    private static Tenants tenants;
    private static String tokenA;
    private static String tokenB;

    @BeforeAll
    static void setUp() {
        cluster = SharedCluster.get();
        // the tenants' ServiceAccounts are limited to 20 requests/s: the matrix waits when told to (Retry-After)
        http = new Http(cluster).patient();
        tenants = new Tenants(cluster);
        tokenA = tenants.serviceAccountWithRole(A, "owner", "admin");
        tokenB = tenants.serviceAccountWithRole(B, "owner", "admin");
    }

    /** One request of the matrix. */
    record Probe(ResourceType type, String subresource, String verb) {
        String key() {
            return type.group() + "/" + type.resource() + (subresource.isEmpty() ? "" : "/" + subresource);
        }

        @Override
        public String toString() {
            return verb + " " + key();
        }
    }

    static List<Probe> namespacedProbes() {
        List<Probe> out = new ArrayList<>();
        for (ResourceType t : ResourceRegistry.builtIn().all()) {
            if (!t.namespaced()) {
                continue;
            }
            if (!t.stored()) {
                out.add(new Probe(t, "", "create"));
                continue;
            }
            ALL.stream().sorted().forEach(v -> out.add(new Probe(t, "", v)));
            for (String sub : t.subresources().stream().sorted().toList()) {
                for (String v : verbsOf(sub)) {
                    out.add(new Probe(t, sub, v));
                }
            }
        }
        return out;
    }

    private static List<String> verbsOf(String subresource) {
        return switch (subresource) {
            case "status", "scale" -> List.of("get", "update", "patch");
            default -> List.of("create");
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespacedProbes")
    void aTenantAdminGetsExactlyWhatKubernetesAdminGrantsInItsOwnNamespace(Probe probe) {
        Set<String> granted = ADMIN.get(probe.key());
        assertThat(granted).as("the oracle table has no row for " + probe.key()).isNotNull();

        HttpResponse<String> r = send(probe, A, tokenA);

        if (granted.contains(probe.verb())) {
            assertThat(r.statusCode()).as(probe + " → " + r.body()).isNotEqualTo(403).isNotEqualTo(401);
        } else {
            assertForbiddenByTheAuthorizer(probe, r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespacedProbes")
    void aTenantAdminIsForbiddenEverythingInTheOtherTenantsNamespace(Probe probe) {
        assertForbiddenByTheAuthorizer(probe, send(probe, A, tokenB));
    }

    static List<ResourceType> namespacedTypes() {
        return ResourceRegistry.builtIn().all().stream().filter(t -> t.namespaced() && t.stored()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespacedTypes")
    void listingOrWatchingAcrossAllNamespacesIsForbidden(ResourceType type) {
        String base = prefix(type) + "/" + type.resource();
        assertForbidden(http.send("GET", base, tokenA, null, null));
        assertForbidden(http.send("GET", base + "?watch=1&timeoutSeconds=1", tokenA, null, null));
    }

    static List<ResourceType> clusterTypes() {
        return ResourceRegistry.builtIn().all().stream().filter(t -> !t.namespaced() && t.stored()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusterTypes")
    void clusterScopedResourcesAreForbidden(ResourceType type) {
        String base = prefix(type) + "/" + type.resource();
        String body = "{\"apiVersion\":\"" + type.apiVersion() + "\",\"kind\":\"" + type.kind()
                + "\",\"metadata\":{\"name\":\"probe\"}}";
        assertForbidden(http.send("GET", base, tokenA, null, null));
        assertForbidden(http.send("GET", base + "?watch=1&timeoutSeconds=1", tokenA, null, null));
        assertForbidden(http.send("POST", base + "?dryRun=All", tokenA, "application/json", bytes(body)));
        assertForbidden(http.send("GET", base + "/kube-system", tokenA, null, null));
        assertForbidden(http.send("DELETE", base + "/kube-system?dryRun=All", tokenA, null, null));
        assertForbidden(http.send("DELETE", base + "?dryRun=All", tokenA, null, null));
    }

    @Test
    void aTenantAdminMayReadItsOwnNamespaceObjectButNotAnotherOne() {
        assertThat(http.send("GET", "/api/v1/namespaces/" + A, tokenA, null, null).statusCode()).isEqualTo(200);
        assertForbidden(http.send("GET", "/api/v1/namespaces/" + B, tokenA, null, null));
        assertForbidden(http.send("DELETE", "/api/v1/namespaces/" + A + "?dryRun=All", tokenA, null, null));
    }

    @Test
    void aNamespaceCannotBeReachedThroughAnotherNamespacesPath() {
        // authorized in tenant-a (view includes namespaces), but no such route exists: it must never act on tenant-b
        String nested = "/api/v1/namespaces/" + A + "/namespaces";
        assertThat(http.send("GET", nested + "/" + B, tokenA, null, null).statusCode()).isEqualTo(404);
        assertThat(http.send("GET", nested, tokenA, null, null).statusCode()).isEqualTo(404);
        assertThat(http.send("DELETE", nested + "/" + B, tokenA, null, null).statusCode()).isIn(403, 404);
        assertThat(http.send("GET", "/api/v1/namespaces/" + B, tokenB, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aCreateSentToANamedPathIsRefusedSoResourceNamesCannotBeStretched() {
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"other\"}}";
        HttpResponse<String> r = http.send("POST", "/api/v1/namespaces/" + A + "/configmaps/allowed?dryRun=All",
                tokenA, "application/json", bytes(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(405);
    }

    @Test
    void bindingClusterAdminToOneselfIsForbidden() {
        String binding = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"%s\",\"metadata\":{\"name\":"
                + "\"escalate\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\","
                + "\"name\":\"cluster-admin\"},\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"owner\","
                + "\"namespace\":\"" + A + "\"}]}";
        assertForbidden(http.send("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", tokenA,
                "application/json", bytes(binding.formatted("ClusterRoleBinding"))));
        assertForbidden(http.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + A + "/rolebindings",
                tokenA, "application/json", bytes(binding.formatted("RoleBinding"))));
    }

    @Test
    void aRoleWithMoreRightsThanItsCreatorHoldsIsForbidden() {
        String role = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\",\"metadata\":{\"name\":"
                + "\"too-much\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"resourcequotas\"],"
                + "\"verbs\":[\"update\"]}]}";
        assertForbidden(http.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + A + "/roles", tokenA,
                "application/json", bytes(role)));
        String fine = role.replace("too-much", "within-reach").replace("update", "get");
        assertThat(http.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + A + "/roles?dryRun=All",
                tokenA, "application/json", bytes(fine)).statusCode()).isEqualTo(201);
    }

    @Test
    void pointingOnesOwnRoleBindingAtAMorePowerfulRoleIsForbidden() {
        String patch = "{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\","
                + "\"name\":\"cluster-admin\"}}";
        assertForbidden(http.send("PATCH", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + A
                + "/rolebindings/owner-admin", tokenA, "application/merge-patch+json", bytes(patch)));
    }

    private static HttpResponse<String> send(Probe p, String namespace, String token) {
        ResourceType t = p.type();
        String collection = prefix(t) + "/namespaces/" + namespace + "/" + t.resource();
        String item = collection + "/probe" + (p.subresource().isEmpty() ? "" : "/" + p.subresource());
        String body = "{\"apiVersion\":\"" + t.apiVersion() + "\",\"kind\":\"" + t.kind()
                + "\",\"metadata\":{\"name\":\"probe\"}}";
        return switch (p.verb()) {
            case "get" -> http.send("GET", item, token, null, null);
            case "list" -> http.send("GET", collection, token, null, null);
            case "watch" -> http.send("GET", collection + "?watch=1&timeoutSeconds=1", token, null, null);
            case "create" -> http.send("POST", (p.subresource().isEmpty() ? collection : item) + "?dryRun=All",
                    token, "application/json", bytes(body));
            case "update" -> http.send("PUT", item + "?dryRun=All", token, "application/json", bytes(body));
            case "patch" -> http.send("PATCH", item + "?dryRun=All", token, "application/merge-patch+json",
                    bytes("{}"));
            case "delete" -> http.send("DELETE", item + "?dryRun=All", token, null, null);
            case "deletecollection" -> http.send("DELETE", collection + "?dryRun=All", token, null, null);
            default -> throw new IllegalArgumentException(p.verb());
        };
    }

    private static String prefix(ResourceType t) {
        return t.group().isEmpty() ? "/api/v1" : "/apis/" + t.group() + "/" + t.version();
    }

    private static void assertForbiddenByTheAuthorizer(Probe probe, HttpResponse<String> r) {
        assertThat(r.statusCode()).as(probe + " → " + r.body()).isEqualTo(403);
        assertThat(Json.tree(bytes(r.body())).path("message").asString("")).as(probe.toString())
                .contains("cannot " + probe.verb() + " resource \"" + probe.type().resource()
                        + (probe.subresource().isEmpty() ? "" : "/" + probe.subresource()) + "\"");
    }

    private static void assertForbidden(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(Json.tree(bytes(r.body())).path("reason").asString("")).isEqualTo("Forbidden");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
