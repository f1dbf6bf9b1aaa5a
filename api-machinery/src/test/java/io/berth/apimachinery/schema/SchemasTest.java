package io.berth.apimachinery.schema;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SchemasTest {

    /** Follows a path such as {@code spec.containers[].env[].name} through object properties and array items. */
    static Schema at(Schema root, String path) {
        Schema s = root;
        for (String part : path.split("\\.")) {
            boolean array = part.endsWith("[]");
            String name = array ? part.substring(0, part.length() - 2) : part;
            Schema.Property p = s.properties().get(name);
            assertThat(p).as("property " + name + " of " + path).isNotNull();
            s = p.schema();
            if (array) {
                assertThat(s).isInstanceOf(Schema.Array.class);
                s = ((Schema.Array) s).items();
            }
        }
        return s;
    }

    static Schema.Property property(Class<?> type, String path) {
        int dot = path.lastIndexOf('.');
        Schema parent = dot < 0 ? Schemas.of(type) : at(Schemas.of(type), path.substring(0, dot));
        return parent.properties().get(path.substring(dot + 1));
    }

    @Test
    void a_pod_schema_knows_container_env_names() {
        assertThat(at(Schemas.of(Pod.class), "spec.containers[].env[].name"))
                .isEqualTo(new Schema.Scalar(Schema.ScalarType.STRING));
    }

    record Shape(String description, Class<?> type, String path, Schema expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Shape> shapes() {
        return Stream.of(
                new Shape("labels are a map of strings", Pod.class, "metadata.labels",
                        new Schema.MapOf(new Schema.Scalar(Schema.ScalarType.STRING))),
                new Shape("resource limits are a map of quantities", Pod.class, "spec.containers[].resources.limits",
                        new Schema.MapOf(new Schema.Scalar(Schema.ScalarType.QUANTITY))),
                new Shape("a target port is an int or a string", Service.class, "spec.ports[].targetPort",
                        new Schema.Scalar(Schema.ScalarType.INT_OR_STRING)),
                new Shape("a container port is a 32-bit integer", Pod.class, "spec.containers[].ports[].containerPort",
                        new Schema.Scalar(Schema.ScalarType.INT32)),
                new Shape("a grace period is a 64-bit integer", Pod.class, "spec.terminationGracePeriodSeconds",
                        new Schema.Scalar(Schema.ScalarType.INT64)),
                new Shape("hostNetwork is a boolean", Pod.class, "spec.hostNetwork",
                        new Schema.Scalar(Schema.ScalarType.BOOLEAN)),
                new Shape("a deployment's strategy is an object", Deployment.class, "spec.strategy",
                        Schemas.of(io.fabric8.kubernetes.api.model.apps.DeploymentStrategy.class)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void fields_have_their_json_shape(Shape s) {
        assertThat(at(Schemas.of(s.type()), s.path())).isEqualTo(s.expected());
    }

    record Strategy(String field, Class<?> type, String path, boolean merge, boolean retainKeys, String mergeKey,
                    String strategy) {
        @Override
        public String toString() {
            return field + " is " + (strategy == null ? "replaced" : strategy + (mergeKey == null ? ""
                    : " by " + mergeKey));
        }
    }

    static Stream<Strategy> strategies() {
        return Stream.of(
                new Strategy("PodSpec.containers", Pod.class, "spec.containers", true, false, "name", "merge"),
                new Strategy("Container.ports", Pod.class, "spec.containers[].ports", true, false, "containerPort",
                        "merge"),
                new Strategy("Container.env", Pod.class, "spec.containers[].env", true, false, "name", "merge"),
                new Strategy("PodSpec.volumes", Pod.class, "spec.volumes", true, true, "name", "merge,retainKeys"),
                new Strategy("ObjectMeta.finalizers", Pod.class, "metadata.finalizers", true, false, null, "merge"),
                new Strategy("ServiceSpec.ports", Service.class, "spec.ports", true, false, "port", "merge"),
                new Strategy("DeploymentSpec.strategy", Deployment.class, "spec.strategy", false, true, null,
                        "retainKeys"),
                new Strategy("PodSpec.nodeSelector", Pod.class, "spec.nodeSelector", false, false, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void patch_metadata_follows_kubernetes_struct_tags(Strategy s) {
        String path = s.path().replace("[]", "");
        String[] parts = s.path().split("\\.");
        String parentPath = String.join(".", java.util.Arrays.copyOf(parts, parts.length - 1));
        Schema parent = parentPath.isEmpty() ? Schemas.of(s.type()) : at(Schemas.of(s.type()), parentPath);
        Schema.PatchMeta meta = parent.properties().get(parts[parts.length - 1]).patch();
        assertThat(meta.merge()).as(path).isEqualTo(s.merge());
        assertThat(meta.retainKeys()).isEqualTo(s.retainKeys());
        assertThat(meta.mergeKey()).isEqualTo(s.mergeKey());
        assertThat(meta.strategy()).isEqualTo(s.strategy());
    }

    @Test
    void fabric8_bookkeeping_fields_are_not_part_of_the_schema() {
        assertThat(Schemas.of(Pod.class).properties()).containsOnlyKeys("apiVersion", "kind", "metadata", "spec",
                "status");
    }

    @Test
    void schemas_are_shared_and_recursive_types_resolve() {
        assertThat(Schemas.of(Pod.class)).isSameAs(Schemas.of(Pod.class));
        assertThat(property(Pod.class, "spec.containers")).isNotNull();
    }
}
