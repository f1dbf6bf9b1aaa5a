package io.berth.node.status;

import io.fabric8.kubernetes.api.model.Taint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaintsTest {

    record Valid(String spec, String key, String value, String effect) {
        @Override
        public String toString() {
            return spec;
        }
    }

    static Stream<Valid> valid() {
        return Stream.of(
                new Valid("berth.io/simulated=true:NoSchedule", "berth.io/simulated", "true", "NoSchedule"),
                new Valid("dedicated:NoExecute", "dedicated", null, "NoExecute"),
                new Valid("dedicated=:PreferNoSchedule", "dedicated", null, "PreferNoSchedule"),
                new Valid("  gpu=a100:NoSchedule  ", "gpu", "a100", "NoSchedule"),
                new Valid("node.kubernetes.io/unschedulable:NoSchedule", "node.kubernetes.io/unschedulable", null,
                        "NoSchedule"),
                new Valid("team=a.b-c_d:NoSchedule", "team", "a.b-c_d", "NoSchedule"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesKeyValueAndEffect(Valid c) {
        Taint taint = Taints.parse(c.spec());
        assertThat(taint.getKey()).isEqualTo(c.key());
        assertThat(taint.getValue()).isEqualTo(c.value());
        assertThat(taint.getEffect()).isEqualTo(c.effect());
    }

    record Invalid(String spec, String why) {
        @Override
        public String toString() {
            return spec + " (" + why + ")";
        }
    }

    static Stream<Invalid> invalid() {
        return Stream.of(
                new Invalid("key=value", "no effect"),
                new Invalid("key=value:NoWay", "the effect must be"),
                new Invalid("=value:NoSchedule", "no key"),
                new Invalid(":NoSchedule", "no key"),
                new Invalid("bad key:NoSchedule", "qualified name"),
                new Invalid("key=bad value:NoSchedule", "label value"),
                new Invalid("", "no effect"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsMalformedTaintsNamingTheEntry(Invalid c) {
        assertThatThrownBy(() -> Taints.parse(c.spec()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + c.spec() + "\"")
                .hasMessageContaining(c.why());
    }

    @Test
    void rejectsTheSameKeyAndEffectTwice() {
        assertThatThrownBy(() -> Taints.parse(List.of("a=1:NoSchedule", "a=2:NoSchedule")))
                .hasMessageContaining("given twice");
        assertThat(Taints.parse(List.of("a=1:NoSchedule", "a=1:NoExecute"))).hasSize(2);
    }
}
