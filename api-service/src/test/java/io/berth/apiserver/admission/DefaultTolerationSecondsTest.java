package io.berth.apiserver.admission;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.apiserver.admission.DefaultTolerationSeconds.NOT_READY;
import static io.berth.apiserver.admission.DefaultTolerationSeconds.UNREACHABLE;
import static org.assertj.core.api.Assertions.assertThat;

/** DefaultTolerationSeconds, one row per rule: which tolerations a new pod ends up with. */
class DefaultTolerationSecondsTest {

    static final DefaultTolerationSeconds KUBERNETES_DEFAULTS = new DefaultTolerationSeconds(300, 300);

    static Toleration toleration(String key, String operator, String value, String effect, Long seconds) {
        return new TolerationBuilder().withKey(key).withOperator(operator).withValue(value).withEffect(effect)
                .withTolerationSeconds(seconds).build();
    }

    static Toleration added(String key, long seconds) {
        return toleration(key, "Exists", null, "NoExecute", seconds);
    }

    static final Toleration GPU = toleration("gpu", "Exists", null, "NoSchedule", null);

    /** A pod created with {@code tolerations} (null: none) ends up with {@code expected}, in that order. */
    record Case(String description, DefaultTolerationSeconds plugin, List<Toleration> tolerations,
                List<Toleration> expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> creates() {
        Toleration ownNotReady = toleration(NOT_READY, "Exists", null, "NoExecute", 60L);
        Toleration ownUnreachable = toleration(UNREACHABLE, "Exists", null, "NoExecute", 0L);
        Toleration everything = toleration(null, "Exists", null, null, null);
        return Stream.of(
                new Case("a pod without tolerations gets both, for 300 s each", KUBERNETES_DEFAULTS, null,
                        List.of(added(NOT_READY, 300), added(UNREACHABLE, 300))),
                new Case("a pod with an empty list of tolerations gets both", KUBERNETES_DEFAULTS, List.of(),
                        List.of(added(NOT_READY, 300), added(UNREACHABLE, 300))),
                new Case("a pod with its own not-ready toleration keeps it and gets only unreachable's",
                        KUBERNETES_DEFAULTS, List.of(ownNotReady), List.of(ownNotReady, added(UNREACHABLE, 300))),
                new Case("a pod with its own unreachable toleration keeps it and gets only not-ready's",
                        KUBERNETES_DEFAULTS, List.of(ownUnreachable), List.of(ownUnreachable, added(NOT_READY, 300))),
                new Case("a pod with both of its own is left as it is", KUBERNETES_DEFAULTS,
                        List.of(ownUnreachable, ownNotReady), List.of(ownUnreachable, ownNotReady)),
                new Case("a pod tolerating every taint with an empty key and Exists gets none", KUBERNETES_DEFAULTS,
                        List.of(everything), List.of(everything)),
                new Case("a not-ready toleration for NoSchedule does not count", KUBERNETES_DEFAULTS,
                        List.of(toleration(NOT_READY, "Exists", null, "NoSchedule", null)),
                        List.of(toleration(NOT_READY, "Exists", null, "NoSchedule", null), added(NOT_READY, 300),
                                added(UNREACHABLE, 300))),
                new Case("an empty key for NoSchedule only counts for neither", KUBERNETES_DEFAULTS,
                        List.of(toleration(null, "Exists", null, "NoSchedule", null)),
                        List.of(toleration(null, "Exists", null, "NoSchedule", null), added(NOT_READY, 300),
                                added(UNREACHABLE, 300))),
                new Case("a not-ready toleration without an effect counts, since it tolerates every effect",
                        KUBERNETES_DEFAULTS, List.of(toleration(NOT_READY, "Exists", null, null, null)),
                        List.of(toleration(NOT_READY, "Exists", null, null, null), added(UNREACHABLE, 300))),
                // Kubernetes' plugin looks at key and effect only, not at the operator and value
                new Case("a not-ready toleration with Equal and a value counts, as in Kubernetes",
                        KUBERNETES_DEFAULTS, List.of(toleration(NOT_READY, "Equal", "x", "NoExecute", null)),
                        List.of(toleration(NOT_READY, "Equal", "x", "NoExecute", null), added(UNREACHABLE, 300))),
                new Case("tolerations of other taints are kept, and the defaults are appended after them",
                        KUBERNETES_DEFAULTS, List.of(GPU),
                        List.of(GPU, added(NOT_READY, 300), added(UNREACHABLE, 300))),
                new Case("the configured seconds are used", new DefaultTolerationSeconds(5, 7), null,
                        List.of(added(NOT_READY, 5), added(UNREACHABLE, 7))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("creates")
    void a_new_pod_tolerates_unready_and_unreachable_nodes_for_a_while(Case c) {
        Pod pod = pod(c.tolerations());
        c.plugin().admitPod(pod);
        assertThat(pod.getSpec().getTolerations()).containsExactlyElementsOf(c.expected());

        c.plugin().admitPod(pod);
        assertThat(pod.getSpec().getTolerations()).as("admitted twice").containsExactlyElementsOf(c.expected());
    }

    @Test
    void a_pod_without_a_spec_is_left_to_validation() {
        Pod pod = new PodBuilder().withNewMetadata().withName("web").endMetadata().build();
        KUBERNETES_DEFAULTS.admitPod(pod);
        assertThat(pod.getSpec()).isNull();
    }

    @Test
    void the_seconds_are_read_from_berth_apiserver_admission_and_default_to_300() {
        AdmissionProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("berth.apiserver.admission", Bindable.of(AdmissionProperties.class));
        assertThat(defaults).isEqualTo(new AdmissionProperties(300, 300));

        AdmissionProperties configured = new Binder(new MapConfigurationPropertySource(Map.of(
                "berth.apiserver.admission.default-not-ready-toleration-seconds", "5",
                "berth.apiserver.admission.default-unreachable-toleration-seconds", "7")))
                .bindOrCreate("berth.apiserver.admission", Bindable.of(AdmissionProperties.class));
        assertThat(configured).isEqualTo(new AdmissionProperties(5, 7));
    }

    static Pod pod(List<Toleration> tolerations) {
        return new PodBuilder().withNewMetadata().withNamespace("tenant").withName("web").endMetadata()
                .withNewSpec().withTolerations(tolerations)
                .addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().build();
    }
}
