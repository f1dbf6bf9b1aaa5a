package io.berth.node.server;

import io.berth.testkit.PemSsl;
import io.berth.testkit.Pki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import javax.security.auth.x500.X500Principal;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ApiServerClientFilterTest {

    static final Path PKI = Pki.shared();

    record Case(String name, String certificate, int code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("the api-service's kubelet client certificate passes", Pki.APISERVER_KUBELET_CLIENT_CERT, 0),
                new Case("the gateway's front-proxy certificate is forbidden", Pki.FRONT_PROXY_CLIENT_CERT, 403),
                new Case("the api-service's etcd client certificate is forbidden", Pki.APISERVER_ETCD_CLIENT_CERT,
                        403),
                new Case("a serving certificate of the cluster CA is forbidden", Pki.KUBELET_SERVING_CERT, 403),
                new Case("no client certificate is unauthorized", null, 401));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void onlyTheApiServiceMayCallTheNodeAgent(Case c) {
        X509Certificate[] peer = c.certificate() == null ? null
                : PemSsl.certificates(PKI.resolve(c.certificate())).toArray(X509Certificate[]::new);
        MockServerWebExchange exchange = exchange(10250, peer);
        AtomicBoolean passed = new AtomicBoolean();

        new ApiServerClientFilter(10248).filter(exchange, chain(passed)).block();

        if (c.code() == 0) {
            assertThat(passed).isTrue();
            assertThat(exchange.getResponse().getStatusCode()).isNull();
        } else {
            assertThat(passed).isFalse();
            assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(c.code());
            String body = exchange.getResponse().getBodyAsString().block();
            assertThat(body).contains("\"kind\":\"Status\"").contains("\"code\":" + c.code());
        }
    }

    @Test
    void theRefusalNamesTheCertificateAndWhoMayCall() {
        X509Certificate[] peer = PemSsl.certificates(PKI.resolve(Pki.FRONT_PROXY_CLIENT_CERT))
                .toArray(X509Certificate[]::new);
        MockServerWebExchange exchange = exchange(10250, peer);

        new ApiServerClientFilter(10248).filter(exchange, chain(new AtomicBoolean())).block();

        assertThat(exchange.getResponse().getBodyAsString().block())
                .contains("client certificate CN=system:berth-gateway may not call the node agent: only "
                        + "system:berth-apiserver-kubelet-client (the api-service) may")
                .contains("\"reason\":\"Forbidden\"");
    }

    @Test
    void requestsOnTheManagementPortPass() {
        AtomicBoolean passed = new AtomicBoolean();

        new ApiServerClientFilter(10248).filter(exchange(10248, null), chain(passed)).block();

        assertThat(passed).isTrue();
    }

    @Test
    void aSubjectWithTwoCommonNamesIsNotTakenForEither() {
        X500Principal two = new X500Principal("CN=system:berth-apiserver-kubelet-client,CN=other");

        assertThat(ApiServerClientFilter.commonNames(two)).hasSize(2);
        assertThat(ApiServerClientFilter.commonNames(new X500Principal("CN=system:berth-apiserver-kubelet-client,O=x")))
                .containsExactly(ApiServerClientFilter.API_SERVER_CLIENT);
    }

    private static MockServerWebExchange exchange(int localPort, X509Certificate[] peer) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/containerLogs/ns/pod/c")
                .localAddress(new InetSocketAddress("127.0.0.1", localPort));
        if (peer != null) {
            request.sslInfo(new SslInfo() {
                @Override
                public String getSessionId() {
                    return "test";
                }

                @Override
                public X509Certificate[] getPeerCertificates() {
                    return peer;
                }
            });
        }
        return MockServerWebExchange.from(request);
    }

    private static WebFilterChain chain(AtomicBoolean passed) {
        return exchange -> {
            passed.set(true);
            return Mono.empty();
        };
    }
}
