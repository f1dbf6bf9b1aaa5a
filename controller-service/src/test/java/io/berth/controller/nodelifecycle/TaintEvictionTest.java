package io.berth.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static io.berth.controller.nodelifecycle.Fixtures.at;
import static io.berth.controller.nodelifecycle.Fixtures.taint;
import static io.berth.controller.nodelifecycle.Fixtures.tolerateFor;
import static io.berth.controller.nodelifecycle.Fixtures.toleration;
import static io.berth.controller.nodelifecycle.NodeTaints.NOT_READY;
import static io.berth.controller.nodelifecycle.NodeTaints.UNREACHABLE;
import static org.assertj.core.api.Assertions.assertThat;

class TaintEvictionTest {

    private static final Taint GPU = taint("dedicated", "gpu", "NoExecute", at(0));
    private static final Taint UNREACHABLE_AT_100 = taint(UNREACHABLE, null, "NoExecute", at(100));
    private static final Taint NOT_READY_AT_200 = taint(NOT_READY, null, "NoExecute", at(200));

    record Match(String name, Toleration toleration, boolean tolerates) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Match> matches() {
        return Stream.of(
                new Match("Equal with the taint's value tolerates it",
                        toleration("dedicated", "Equal", "gpu", "NoExecute", null), true),
                new Match("an empty operator means Equal", toleration("dedicated", null, "gpu", "NoExecute", null),
                        true),
                new Match("Equal with another value does not", toleration("dedicated", "Equal", "cpu", "NoExecute",
                        null), false),
                new Match("Exists ignores the value", toleration("dedicated", "Exists", null, "NoExecute", null),
                        true),
                new Match("an empty key with Exists tolerates every taint", toleration(null, "Exists", null, null,
                        null), true),
                new Match("an empty effect matches every effect", toleration("dedicated", "Exists", null, null, null),
                        true),
                new Match("another effect does not match", toleration("dedicated", "Exists", null, "NoSchedule",
                        null), false),
                new Match("another key does not match", toleration("team", "Exists", null, "NoExecute", null), false),
                new Match("an unknown operator tolerates nothing", toleration("dedicated", "Gt", "gpu", "NoExecute",
                        null), false));
    }

    @ParameterizedTest
    @MethodSource("matches")
    void tolerationsMatchTaintsAsInKubernetes(Match m) {
        assertThat(TaintEviction.tolerates(m.toleration(), GPU)).isEqualTo(m.tolerates());
    }

    @Test
    void anAbsentValueEqualsAnEmptyOne() {
        assertThat(TaintEviction.tolerates(toleration(UNREACHABLE, "Equal", "", "NoExecute", null),
                UNREACHABLE_AT_100)).isTrue();
    }

    record Verdict(String name, List<Taint> taints, List<Toleration> tolerations, TaintEviction.Eviction expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Verdict> verdicts() {
        return Stream.of(
                new Verdict("a pod without tolerations goes at once", List.of(UNREACHABLE_AT_100), List.of(),
                        TaintEviction.Eviction.NOW),
                new Verdict("a pod that tolerates one taint of two goes at once",
                        List.of(UNREACHABLE_AT_100, GPU), List.of(tolerateFor(UNREACHABLE, 300)),
                        TaintEviction.Eviction.NOW),
                new Verdict("a pod that tolerates for 300 s goes 300 s after the taint was added",
                        List.of(UNREACHABLE_AT_100), List.of(tolerateFor(UNREACHABLE, 300)),
                        TaintEviction.Eviction.at(at(400))),
                new Verdict("a pod that tolerates without a limit stays forever", List.of(UNREACHABLE_AT_100),
                        List.of(toleration(UNREACHABLE, "Exists", null, "NoExecute", null)),
                        TaintEviction.Eviction.NEVER),
                new Verdict("a pod that tolerates everything stays forever", List.of(UNREACHABLE_AT_100, GPU),
                        List.of(toleration(null, "Exists", null, null, null)), TaintEviction.Eviction.NEVER),
                new Verdict("the shortest toleration period decides", List.of(UNREACHABLE_AT_100, NOT_READY_AT_200),
                        List.of(tolerateFor(UNREACHABLE, 300), tolerateFor(NOT_READY, 50)),
                        TaintEviction.Eviction.at(at(250))),
                new Verdict("a limited and an unlimited toleration: the limited one decides",
                        List.of(UNREACHABLE_AT_100, GPU),
                        List.of(tolerateFor(UNREACHABLE, 60), toleration("dedicated", "Exists", null, null, null)),
                        TaintEviction.Eviction.at(at(160))),
                new Verdict("as in Kubernetes, the first toleration that matches a taint is the one used",
                        List.of(UNREACHABLE_AT_100),
                        List.of(toleration(UNREACHABLE, "Exists", null, "NoExecute", null),
                                tolerateFor(UNREACHABLE, 10)), TaintEviction.Eviction.NEVER),
                new Verdict("a toleration period of zero goes at once", List.of(UNREACHABLE_AT_100),
                        List.of(tolerateFor(UNREACHABLE, 0)), TaintEviction.Eviction.NOW),
                new Verdict("no NoExecute taint, no eviction", List.of(), List.of(), TaintEviction.Eviction.NEVER));
    }

    @ParameterizedTest
    @MethodSource("verdicts")
    void aPodGoesWhenItsTolerationsRunOut(Verdict v) {
        TaintEviction.Eviction eviction = TaintEviction.evaluate(v.taints(), v.tolerations(),
                t -> Times.parse(t.getTimeAdded()));

        assertThat(eviction).isEqualTo(v.expected());
    }

    @Test
    void anEvictionIsDueFromItsTimeOn() {
        TaintEviction.Eviction at400 = TaintEviction.Eviction.at(at(400));

        assertThat(at400.due(at(399))).isFalse();
        assertThat(at400.due(at(400))).isTrue();
        assertThat(TaintEviction.Eviction.NOW.due(Instant.EPOCH)).isTrue();
        assertThat(TaintEviction.Eviction.NEVER.due(Instant.MAX)).isFalse();
    }

    @Test
    void aTaintWithoutTimeAddedCountsFromWhenItWasFirstSeen() {
        Taint untimed = taint(UNREACHABLE, null, "NoExecute", null);

        TaintEviction.Eviction eviction = TaintEviction.evaluate(List.of(untimed),
                List.of(tolerateFor(UNREACHABLE, 30)), t -> at(500));

        assertThat(eviction).isEqualTo(TaintEviction.Eviction.at(at(530)));
    }
}
