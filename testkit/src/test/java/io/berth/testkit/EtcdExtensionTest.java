package io.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the classes below through the JUnit launcher, as a build would run two test classes, and checks what
 * each one got. They are nested classes so that Surefire does not run them on its own (it skips inner classes).
 */
class EtcdExtensionTest {

    /** What each test saw, by "Class.method". */
    static final Map<String, EtcdProcess> SEEN = new ConcurrentHashMap<>();

    @Test
    void twoTestClassesGetDistinctRunningEtcdsThatStopAfterTheirClass() {
        TestExecutionSummary summary = run(FirstClass.class, SecondClass.class);

        assertThat(summary.getFailures()).as("failures").isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(5);
        EtcdProcess first = SEEN.get("FirstClass.parameter");
        EtcdProcess second = SEEN.get("SecondClass.field");
        assertThat(first.endpoint()).isNotEqualTo(second.endpoint());
        assertThat(SEEN.get("FirstClass.anotherTest")).isSameAs(first);
        assertThat(SEEN.get("FirstClass.Inner.nested")).as("a @Nested class shares its outer class's etcd").isSameAs(first);
        assertThat(SEEN.get("SecondClass.staticField")).isSameAs(second);
        assertThat(first.isRunning()).as("closed after its class").isFalse();
        assertThat(second.isRunning()).as("closed after its class").isFalse();
    }

    private static TestExecutionSummary run(Class<?>... classes) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(List.of(selectClass(classes[0]), selectClass(classes[1])))
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        return listener.getSummary();
    }

    @ExtendWith(EtcdExtension.class)
    static class FirstClass {

        @Test
        void parameter(EtcdProcess etcd) {
            assertThat(etcd.isHealthy()).isTrue();
            SEEN.put("FirstClass.parameter", etcd);
        }

        @Test
        void anotherTest(EtcdProcess etcd) {
            SEEN.put("FirstClass.anotherTest", etcd);
        }

        @Nested
        class Inner {
            @Test
            void nested(EtcdProcess etcd) {
                SEEN.put("FirstClass.Inner.nested", etcd);
            }
        }
    }

    @ExtendWith(EtcdExtension.class)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class SecondClass {

        static EtcdProcess shared;
        EtcdProcess etcd;

        @BeforeAll
        void staticFieldIsSetBeforeAll() {
            SEEN.put("SecondClass.staticField", shared);
        }

        @Test
        void field() {
            assertThat(etcd.isHealthy()).isTrue();
            SEEN.put("SecondClass.field", etcd);
        }

        @Test
        void sameInstanceAsTheStaticField() {
            assertThat(etcd).isSameAs(shared);
        }
    }
}
