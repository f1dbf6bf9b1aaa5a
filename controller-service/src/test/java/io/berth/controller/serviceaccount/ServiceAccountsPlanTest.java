package io.berth.controller.serviceaccount;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceAccountsPlanTest {

    record Row(String description, Namespace namespace, Set<String> existing, List<String> created) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("an active namespace without default gets default", namespace("Active", false), Set.of(),
                        List.of("default")),
                new Row("an active namespace with default gets nothing", namespace("Active", false),
                        Set.of("default"), List.of()),
                new Row("a namespace without a phase yet counts as active", namespace(null, false), Set.of(),
                        List.of("default")),
                new Row("a terminating namespace gets nothing, even without default", namespace("Terminating", true),
                        Set.of(), List.of()),
                new Row("a namespace marked for deletion but still Active gets nothing", namespace("Active", true),
                        Set.of(), List.of()),
                new Row("a Terminating phase without a deletion timestamp gets nothing",
                        namespace("Terminating", false), Set.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void creates_the_missing_default_service_account_in_active_namespaces_only(Row row) {
        List<ServiceAccount> created = ServiceAccountsPlan.missing(row.namespace(), row.existing());

        assertThat(created).extracting(sa -> sa.getMetadata().getName()).isEqualTo(row.created());
        assertThat(created).allSatisfy(sa -> {
            assertThat(sa.getMetadata().getNamespace()).isEqualTo("team");
            assertThat(sa.getMetadata().getLabels()).isNullOrEmpty();
        });
    }

    static Namespace namespace(String phase, boolean deleting) {
        NamespaceBuilder b = new NamespaceBuilder().withNewMetadata().withName("team")
                .withDeletionTimestamp(deleting ? "2025-01-01T00:00:00Z" : null).endMetadata();
        if (phase != null) {
            b.withNewStatus().withPhase(phase).endStatus();
        }
        return b.build();
    }
}
