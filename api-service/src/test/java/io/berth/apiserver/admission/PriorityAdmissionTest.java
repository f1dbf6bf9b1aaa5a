package io.berth.apiserver.admission;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.scheduling.SystemPriorityClasses;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The Priority admission plugin's decisions, one row per rule, with Kubernetes' wording for each refusal. */
class PriorityAdmissionTest {

    static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    static final ResourceType PODS = REGISTRY.find("", "v1", "pods").orElseThrow();
    static final ResourceType PRIORITY_CLASSES = REGISTRY.find("scheduling.k8s.io", "v1", "priorityclasses")
            .orElseThrow();

    static final PriorityClass GOLD = priorityClass("gold", 1000, false, "PreemptLowerPriority");
    static final PriorityClass BATCH = priorityClass("batch", 10, false, "Never");
    static final PriorityClass STANDARD = priorityClass("standard", 100, true, "PreemptLowerPriority");
    static final PriorityClass LOW_DEFAULT = priorityClass("low-default", 5, true, "Never");
    static final PriorityClass LEGACY = priorityClass("legacy", 7, false, null);

    static PriorityClass priorityClass(String name, int value, boolean globalDefault, String policy) {
        return new PriorityClassBuilder().withNewMetadata().withName(name).endMetadata().withValue(value)
                .withGlobalDefault(globalDefault ? true : null).withPreemptionPolicy(policy).build();
    }

    static List<PriorityClass> withSystemClasses(PriorityClass... classes) {
        List<PriorityClass> all = new ArrayList<>(SystemPriorityClasses.all());
        all.forEach(pc -> pc.setPreemptionPolicy("PreemptLowerPriority"));
        all.addAll(List.of(classes));
        return all;
    }

    static Pod pod(String className, Integer priority, String policy) {
        return new PodBuilder().withNewMetadata().withNamespace("tenant").withName("web").endMetadata()
                .withNewSpec().withPriorityClassName(className).withPriority(priority).withPreemptionPolicy(policy)
                .addNewContainer().withName("web").withImage("nginx").endContainer().endSpec().build();
    }

    /**
     * One pod create against the stored classes: the expected class name, priority and policy afterwards, or the
     * refusal's message.
     */
    record PodCase(String description, List<PriorityClass> classes, Pod pod, String className, Integer priority,
                   String policy, String refusal) {
        @Override
        public String toString() {
            return description;
        }
    }

    static PodCase admitted(String description, List<PriorityClass> classes, Pod pod, String className,
                            int priority, String policy) {
        return new PodCase(description, classes, pod, className, priority, policy, null);
    }

    static PodCase refused(String description, List<PriorityClass> classes, Pod pod, String refusal) {
        return new PodCase(description, classes, pod, null, null, null, refusal);
    }

    static Stream<PodCase> podCreates() {
        return Stream.of(
                admitted("a pod naming system-cluster-critical gets its priority", withSystemClasses(),
                        pod("system-cluster-critical", null, null), "system-cluster-critical", 2_000_000_000,
                        "PreemptLowerPriority"),
                admitted("a pod naming system-node-critical gets its priority", withSystemClasses(),
                        pod("system-node-critical", null, null), "system-node-critical", 2_000_001_000,
                        "PreemptLowerPriority"),
                admitted("a pod naming a user class gets its value and preemption policy",
                        withSystemClasses(GOLD, BATCH), pod("batch", null, null), "batch", 10, "Never"),
                refused("a pod naming an unknown class is forbidden", withSystemClasses(GOLD),
                        pod("platinum", null, null),
                        "pods \"web\" is forbidden: no PriorityClass with name platinum was found"),
                admitted("a pod naming no class without a default gets priority 0", withSystemClasses(GOLD),
                        pod(null, null, null), null, 0, "PreemptLowerPriority"),
                admitted("a pod naming no class gets the global default and its name",
                        withSystemClasses(GOLD, STANDARD), pod(null, null, null), "standard", 100,
                        "PreemptLowerPriority"),
                admitted("an empty class name counts as none", withSystemClasses(STANDARD), pod("", null, null),
                        "standard", 100, "PreemptLowerPriority"),
                admitted("of two defaults a race left, the lower value wins",
                        withSystemClasses(STANDARD, LOW_DEFAULT), pod(null, null, null), "low-default", 5, "Never"),
                admitted("a named class wins over the global default", withSystemClasses(GOLD, STANDARD),
                        pod("gold", null, null), "gold", 1000, "PreemptLowerPriority"),
                admitted("a priority equal to the class's is accepted", withSystemClasses(GOLD),
                        pod("gold", 1000, "PreemptLowerPriority"), "gold", 1000, "PreemptLowerPriority"),
                admitted("a priority 0 without class or default is accepted", withSystemClasses(),
                        pod(null, 0, null), null, 0, "PreemptLowerPriority"),
                refused("a priority differing from the class's is forbidden", withSystemClasses(GOLD),
                        pod("gold", 5, null), "pods \"web\" is forbidden: the integer value of priority (5) must not"
                                + " be provided in pod spec; priority admission controller computed 1000 from the"
                                + " given PriorityClass name"),
                refused("a priority without any class is forbidden unless it is 0", withSystemClasses(),
                        pod(null, 2_000_000_000, null), "pods \"web\" is forbidden: the integer value of priority"
                                + " (2000000000) must not be provided in pod spec; priority admission controller"
                                + " computed 0 from the given PriorityClass name"),
                refused("a preemption policy differing from the class's is forbidden", withSystemClasses(GOLD),
                        pod("gold", null, "Never"), "pods \"web\" is forbidden: the string value of"
                                + " PreemptionPolicy (Never) must not be provided in pod spec; priority admission"
                                + " controller computed PreemptLowerPriority from the given PriorityClass name"),
                admitted("a class stored without a policy leaves the pod's", withSystemClasses(LEGACY),
                        pod("legacy", null, "Never"), "legacy", 7, "Never"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("podCreates")
    void pod_creates_get_their_priority_from_their_class(PodCase c) {
        Pod pod = c.pod();
        Runnable admit = () -> PriorityAdmission.admitPod(PODS, pod,
                name -> c.classes().stream().filter(pc -> pc.getMetadata().getName().equals(name)).findFirst(),
                c::classes);
        if (c.refusal() != null) {
            ApiException e = catchThrowableOfType(ApiException.class, admit::run);
            assertThat(e).as("refused").isNotNull();
            assertThat(e.code()).isEqualTo(403);
            assertThat(e.reason()).isEqualTo("Forbidden");
            assertThat(e.status().getMessage()).isEqualTo(c.refusal());
            assertThat(e.status().getDetails().getName()).isEqualTo("web");
            assertThat(e.status().getDetails().getKind()).isEqualTo("pods");
            return;
        }
        admit.run();
        assertThat(pod.getSpec().getPriorityClassName()).isEqualTo(c.className());
        assertThat(pod.getSpec().getPriority()).isEqualTo(c.priority());
        assertThat(pod.getSpec().getPreemptionPolicy()).isEqualTo(c.policy());
    }

    /** One PriorityClass write against the stored classes: {@code null} when admitted, else the message. */
    record ClassCase(String description, boolean create, PriorityClass pc, List<PriorityClass> stored,
                     String refusal) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<ClassCase> classWrites() {
        return Stream.of(
                new ClassCase("the first global default is accepted", true,
                        priorityClass("standard", 100, true, "PreemptLowerPriority"), withSystemClasses(GOLD), null),
                new ClassCase("a second global default is forbidden", true,
                        priorityClass("other", 1, true, "PreemptLowerPriority"), withSystemClasses(STANDARD),
                        "priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass standard is already"
                                + " marked as default. Only one default can exist"),
                new ClassCase("a class that is not a default is accepted beside one", true,
                        priorityClass("other", 1, false, "PreemptLowerPriority"), withSystemClasses(STANDARD), null),
                new ClassCase("the default may be updated and stay the default", false,
                        priorityClass("standard", 100, true, "PreemptLowerPriority"), withSystemClasses(STANDARD),
                        null),
                new ClassCase("another class may not be made the default", false,
                        priorityClass("gold", 1000, true, "PreemptLowerPriority"), withSystemClasses(GOLD, STANDARD),
                        "priorityclasses.scheduling.k8s.io \"gold\" is forbidden: PriorityClass standard is already"
                                + " marked as default. Only one default can exist"),
                new ClassCase("re-creating the default's name as a default is forbidden too", true,
                        priorityClass("standard", 100, true, "PreemptLowerPriority"), withSystemClasses(STANDARD),
                        "priorityclasses.scheduling.k8s.io \"standard\" is forbidden: PriorityClass standard is"
                                + " already marked as default. Only one default can exist"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classWrites")
    void there_is_at_most_one_global_default(ClassCase c) {
        Runnable check = () -> PriorityAdmission.validateClass(PRIORITY_CLASSES, c.create(), c.pc(), c.stored());
        if (c.refusal() == null) {
            assertThatCode(check::run).doesNotThrowAnyException();
            return;
        }
        ApiException e = catchThrowableOfType(ApiException.class, check::run);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).isEqualTo(403);
        assertThat(e.reason()).isEqualTo("Forbidden");
        assertThat(e.status().getMessage()).isEqualTo(c.refusal());
    }

    @Test
    void the_system_classes_cannot_be_deleted_and_user_classes_can() {
        for (String name : List.of("system-cluster-critical", "system-node-critical")) {
            ApiException e = catchThrowableOfType(ApiException.class,
                    () -> PriorityAdmission.admitDelete(PRIORITY_CLASSES, name));
            assertThat(e.code()).isEqualTo(403);
            assertThat(e.reason()).isEqualTo("Forbidden");
            assertThat(e.status().getMessage()).isEqualTo("priorityclasses.scheduling.k8s.io \"" + name
                    + "\" is forbidden: this is a system priority class and cannot be deleted");
        }
        assertThatCode(() -> PriorityAdmission.admitDelete(PRIORITY_CLASSES, "gold")).doesNotThrowAnyException();
        assertThatCode(() -> PriorityAdmission.admitDelete(PRIORITY_CLASSES, "system-other"))
                .doesNotThrowAnyException();
    }

    @Test
    void the_global_default_of_several_is_the_lowest_value_then_the_first_name() {
        PriorityClass a = priorityClass("a", 5, true, null);
        PriorityClass b = priorityClass("b", 5, true, null);
        assertThat(PriorityAdmission.globalDefault(List.of(STANDARD, b, a, GOLD))).contains(a);
        assertThat(PriorityAdmission.globalDefault(List.of(GOLD, BATCH))).isEqualTo(Optional.empty());
    }

    @Test
    void a_pod_update_keeps_the_priority_and_policy_the_client_left_out() {
        Pod old = pod("gold", 1000, "PreemptLowerPriority");
        Pod update = pod("gold", null, null);
        PriorityAdmission.admitPodUpdate(update, old);
        assertThat(update.getSpec().getPriority()).isEqualTo(1000);
        assertThat(update.getSpec().getPreemptionPolicy()).isEqualTo("PreemptLowerPriority");

        Pod changed = pod("gold", 5, "Never");
        PriorityAdmission.admitPodUpdate(changed, old);
        assertThat(changed.getSpec().getPriority()).as("left for pod update validation to refuse").isEqualTo(5);
        assertThat(changed.getSpec().getPreemptionPolicy()).isEqualTo("Never");
    }
}
