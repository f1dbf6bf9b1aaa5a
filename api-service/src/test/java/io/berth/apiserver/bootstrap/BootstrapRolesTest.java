package io.berth.apiserver.bootstrap;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.rbac.BootstrapPolicy;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.validation.ObjectValidator;
import io.berth.apiserver.strategy.Defaults;
import io.berth.apiserver.strategy.Strategy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every default RBAC object is what the API itself would accept: start-up writes bypass validation. */
class BootstrapRolesTest {

    record Default(ResourceType type, HasMetadata object) {
        @Override
        public String toString() {
            String ns = object.getMetadata().getNamespace();
            return type.resource() + " " + (ns == null ? "" : ns + "/") + object.getMetadata().getName();
        }
    }

    static Stream<Default> defaults() {
        ResourceRegistry registry = ResourceRegistry.builtIn();
        return Stream.of(
                BootstrapPolicy.clusterRoles().stream().map(o -> new Default(type(registry, "clusterroles"), o)),
                BootstrapPolicy.clusterRoleBindings().stream()
                        .map(o -> new Default(type(registry, "clusterrolebindings"), o)),
                BootstrapPolicy.roles().stream().map(o -> new Default(type(registry, "roles"), o)),
                BootstrapPolicy.roleBindings().stream().map(o -> new Default(type(registry, "rolebindings"), o)))
                .flatMap(s -> s);
    }

    static ResourceType type(ResourceRegistry registry, String resource) {
        return registry.find("rbac.authorization.k8s.io", "v1", resource).orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void aDefaultObjectIsValid(Default d) {
        HasMetadata copy = Json.deepCopy(d.object());
        Defaults.apply(copy);
        Strategy.prepareForCreate(d.type(), copy, Instant.parse("2026-11-27T20:00:00Z"));

        assertThat(ObjectValidator.validate(d.type(), copy)).isEmpty();
        assertThat(d.type().namespaced()).isEqualTo(copy.getMetadata().getNamespace() != null);
    }
}
