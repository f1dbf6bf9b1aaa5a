package io.berth.gateway.audit;

import io.berth.apimachinery.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * In a Spring Cloud Gateway application whose only route takes every path ({@code /**}, as the Kubernetes route
 * does), {@code /audit/v1/events} is still answered by the gateway itself: RouterFunctionMapping runs before the
 * gateway's route mapping. The audit filter, a WebFilter, records both kinds of request.
 */
// not application.yml: its TLS settings need the PKI that bin/berth generates (AuditSettingsTest reads it)
@SpringBootTest(classes = AuditRoutingTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.MOCK,
        properties = "spring.config.name=audit-routing-test")
class AuditRoutingTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("berth.gateway.audit.path", () -> dir.resolve("state/audit/audit").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:file:${berth.gateway.audit.path};DB_CLOSE_ON_EXIT=FALSE");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(AuditConfiguration.class)
    static class App {
        /** Stands for the Kubernetes route: every path, answered 418 here instead of proxied. */
        @Bean
        RouteLocator everything(RouteLocatorBuilder routes) {
            return routes.routes()
                    .route("everything", r -> r.path("/**")
                            .filters(f -> f.filter((exchange, chain) -> {
                                exchange.getResponse().setStatusCode(HttpStatus.I_AM_A_TEAPOT);
                                return exchange.getResponse().setComplete();
                            }))
                            .uri("http://127.0.0.1:9"))
                    .build();
        }
    }

    @Autowired
    ApplicationContext context;
    @Autowired
    AuditStore store;

    @Test
    void theAuditEndpointIsServedByTheGatewayAndEverythingElseByTheRoute() {
        WebTestClient client = WebTestClient.bindToApplicationContext(context).build();

        byte[] audit = client.get().uri("/audit/v1/events").exchange()
                .expectStatus().isUnauthorized()
                .expectBody().returnResult().getResponseBody();
        client.get().uri("/api/v1/namespaces/team/pods").exchange()
                .expectStatus().isEqualTo(HttpStatus.I_AM_A_TEAPOT);

        assertThat(Json.tree(audit).path("reason").asString()).isEqualTo("Unauthorized");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(store.query(AuditQuery.newest(10)).items())
                .extracting(e -> e.requestUri() + " " + e.code())
                .contains("/audit/v1/events 401", "/api/v1/namespaces/team/pods 418"));
    }

    @Test
    void theEmbeddedDatabaseLivesUnderTheAuditPathInAPrivateFolder() throws Exception {
        Path folder = dir.resolve("state/audit");

        assertThat(Files.exists(folder.resolve("audit.mv.db"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
    }
}
