package io.berth.scheduler.plugins.unsupported;

import io.berth.scheduler.Pods;
import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class UnsupportedConstraintsTest {

    record Case(String name, Pod pod, Status.Code code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Pod plain = Pods.pending("p", "1", "1Mi", 0);
        return Stream.of(
                new Case("a pod without pod constraints passes", plain, Status.Code.SUCCESS),
                new Case("required anti-affinity waits", new PodBuilder(plain).editSpec().withNewAffinity()
                        .withNewPodAntiAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                        .withTopologyKey("topology.kubernetes.io/zone").endRequiredDuringSchedulingIgnoredDuringExecution()
                        .endPodAntiAffinity().endAffinity().endSpec().build(),
                        Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
                new Case("required affinity waits", new PodBuilder(plain).editSpec().withNewAffinity()
                        .withNewPodAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                        .withTopologyKey("kubernetes.io/hostname").endRequiredDuringSchedulingIgnoredDuringExecution()
                        .endPodAffinity().endAffinity().endSpec().build(),
                        Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
                new Case("preferred anti-affinity is only a preference", new PodBuilder(plain).editSpec()
                        .withNewAffinity().withNewPodAntiAffinity()
                        .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(10)
                        .withNewPodAffinityTerm().withTopologyKey("kubernetes.io/hostname").endPodAffinityTerm()
                        .endPreferredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().endAffinity()
                        .endSpec().build(), Status.Code.SUCCESS),
                new Case("DoNotSchedule spread waits", new PodBuilder(plain).editSpec()
                        .addNewTopologySpreadConstraint().withMaxSkew(1).withTopologyKey("zone")
                        .withWhenUnsatisfiable("DoNotSchedule").endTopologySpreadConstraint().endSpec().build(),
                        Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
                new Case("ScheduleAnyway spread passes", new PodBuilder(plain).editSpec()
                        .addNewTopologySpreadConstraint().withMaxSkew(1).withTopologyKey("zone")
                        .withWhenUnsatisfiable("ScheduleAnyway").endTopologySpreadConstraint().endSpec().build(),
                        Status.Code.SUCCESS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hardPodConstraintsWaitForTheirPlugins(Case c) {
        Status s = new UnsupportedConstraints().preFilter(new CycleState(), c.pod(), new Snapshot(List.of()));

        assertThat(s.code()).isEqualTo(c.code());
        if (!s.isSuccess()) {
            assertThat(s.message()).isEqualTo(UnsupportedConstraints.MESSAGE);
        }
    }
}
