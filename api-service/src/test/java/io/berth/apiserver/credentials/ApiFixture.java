package io.berth.apiserver.credentials;

import io.berth.apimachinery.auth.ServiceAccountKeys;
import io.berth.apimachinery.auth.TokenVerifier;
import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.storage.EtcdKeys;
import io.berth.apiserver.admission.Admission;
import io.berth.apiserver.auth.FrontProxyAuthenticator;
import io.berth.apiserver.bootstrap.SystemNamespaces;
import io.berth.apiserver.config.ApiServerProperties;
import io.berth.apiserver.housekeeping.EventLeases;
import io.berth.apiserver.nodeagent.NodeAgentClient;
import io.berth.apiserver.nodeagent.NodeAgentProperties;
import io.berth.apiserver.openapi.OpenApiDocuments;
import io.berth.apiserver.rest.ApiHandler;
import io.berth.apiserver.rest.ApiMetrics;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.storage.ValueTransformer;
import io.berth.apiserver.watch.WatchCaches;
import io.berth.testkit.EtcdProcess;
import io.berth.testkit.Pki;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The api-service's request path (ApiHandler with the real store, watch caches, admission and credentials) over a
 * real etcd under a prefix of its own, driven over HTTP semantics with WebTestClient. The signing key is the one
 * {@code bin/berth pki} generates ({@link Pki#shared()}). Requests arrive as {@code system:bootstrap:abcdef}, as if
 * the gateway had authenticated a bootstrap token.
 */
final class ApiFixture implements AutoCloseable {

    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final String USER = "system:bootstrap:abcdef";

    final Client client;
    final EtcdStore store;
    final WatchCaches caches;
    final WebTestClient http;
    final Path pki = Pki.shared();
    final Clock clock = Clock.systemUTC();

    ApiFixture(EtcdProcess etcd, CredentialProperties credentialProperties) {
        try {
            client = Client.builder().endpoints(etcd.endpoint())
                    .sslContext(ssl -> ssl.trustManager(etcd.caCert().toFile())
                            .keyManager(etcd.clientCert().toFile(), etcd.clientKey().toFile()))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
        ResourceRegistry registry = ResourceRegistry.builtIn();
        ApiServerProperties props = new ApiServerProperties(List.of("system:berth-gateway"), 1000,
                Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofSeconds(60), DataSize.ofMegabytes(3),
                DataSize.ofKilobytes(1536), Duration.ofHours(1), Duration.ZERO, 1000);
        store = new EtcdStore(client, new EtcdKeys("/creds-" + UUID.randomUUID()), ValueTransformer.IDENTITY,
                1_572_864);
        caches = new WatchCaches(registry, store, client, props);
        caches.start();
        caches.ready().join();
        SystemNamespaces.ensure(store, registry.find("", "v1", "namespaces").orElseThrow(), clock).join();
        Admission admission = new Admission(registry, store, caches,
                io.berth.apiserver.authz.Authorization.overCaches(registry, store, caches, Duration.ofSeconds(3)));
        Credentials credentials = Credentials.load(credentialProperties, pki, registry, store, admission, clock);
        ApiHandler handler = ApiHandler.create(registry, store, caches, admission,
                new EventLeases(client, clock, Duration.ofHours(1)), props, clock, new OpenApiDocuments(registry),
                new ApiMetrics(new SimpleMeterRegistry()), credentials,
                NodeAgentClient.fromPki(pki, new NodeAgentProperties(Duration.ofSeconds(5), Duration.ofSeconds(30))));
        UserInfo user = UserInfo.of(USER, "", List.of("system:bootstrappers", "system:authenticated"));
        http = WebTestClient.bindToRouterFunction(RouterFunctions.route(RequestPredicates.all(), handler::handle)
                        .filter((request, next) -> {
                            request.attributes().put(FrontProxyAuthenticator.USER_ATTRIBUTE, user);
                            return next.handle(request);
                        }))
                .configureClient().responseTimeout(Duration.ofSeconds(30)).build();
    }

    ApiFixture(EtcdProcess etcd) {
        this(etcd, defaults());
    }

    static CredentialProperties defaults() {
        return new CredentialProperties(null, null, ISSUER, null, null, Duration.ofHours(48), Duration.ofDays(365));
    }

    /** A verifier of this cluster's tokens, from the public key file the gateway reads. */
    TokenVerifier verifier() {
        return new TokenVerifier(ISSUER, ServiceAccountKeys.readPublicKeys(pki.resolve("sa.pub")), clock,
                Duration.ZERO);
    }

    /** POSTs a JSON body and returns the answer with its status. */
    Answer post(String path, String json) {
        var result = http.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .exchange().expectBody(byte[].class).returnResult();
        byte[] body = result.getResponseBody();
        return new Answer(result.getStatus().value(), body == null ? null : Json.tree(body),
                result.getResponseHeaders().getOrEmpty("Warning"));
    }

    Answer get(String path) {
        var result = http.get().uri(path).exchange().expectBody(byte[].class).returnResult();
        byte[] body = result.getResponseBody();
        return new Answer(result.getStatus().value(), body == null ? null : Json.tree(body),
                result.getResponseHeaders().getOrEmpty("Warning"));
    }

    /** DELETEs and returns the status code. */
    int delete(String path) {
        return http.delete().uri(path).exchange().returnResult(byte[].class).getStatus().value();
    }

    record Answer(int code, JsonNode body, List<String> warnings) {
        String text(String pointer) {
            return body.at(pointer).asString("");
        }
    }

    /** Creates a namespace through the API, for a test's own objects. */
    String namespace() {
        String name = "t-" + UUID.randomUUID().toString().substring(0, 8);
        Answer created = post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name + "\"}}");
        if (created.code() != 201) {
            throw new IllegalStateException("namespace " + name + ": " + created);
        }
        return name;
    }

    /** Creates a ServiceAccount and returns its uid. */
    String serviceAccount(String namespace, String name) {
        return created(post("/api/v1/namespaces/" + namespace + "/serviceaccounts",
                "{\"metadata\":{\"name\":\"" + name + "\"}}"));
    }

    /** Creates a pod running as {@code serviceAccount} (on {@code node} unless null) and returns its uid. */
    String pod(String namespace, String name, String serviceAccount, String node) {
        return created(post("/api/v1/namespaces/" + namespace + "/pods", "{\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"serviceAccountName\":\"" + serviceAccount + "\","
                + (node == null ? "" : "\"nodeName\":\"" + node + "\",")
                + "\"containers\":[{\"name\":\"c\",\"image\":\"host\"}]}}"));
    }

    /** Creates a Node and returns its uid. */
    String node(String name) {
        return created(post("/api/v1/nodes", "{\"metadata\":{\"name\":\"" + name + "\"}}"));
    }

    private static String created(Answer answer) {
        if (answer.code() != 201) {
            throw new IllegalStateException("create failed: " + answer);
        }
        return answer.text("/metadata/uid");
    }

    @Override
    public void close() {
        caches.close();
        client.close();
    }
}
