package io.berth.apiserver.openapi;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class KubernetesTypeNamesTest {

    private static final KubernetesTypeNames NAMES = new KubernetesTypeNames(new ModelDescriptions());

    record Case(Class<?> fabric8, String definition, String officialClass) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(Pod.class, "io.k8s.api.core.v1.Pod", "V1Pod"),
                new Case(Container.class, "io.k8s.api.core.v1.Container", "V1Container"),
                new Case(ObjectMeta.class, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "V1ObjectMeta"),
                new Case(Event.class, "io.k8s.api.core.v1.Event", "CoreV1Event"),
                new Case(Deployment.class, "io.k8s.api.apps.v1.Deployment", "V1Deployment"),
                new Case(Scale.class, "io.k8s.api.autoscaling.v1.Scale", "V1Scale"),
                new Case(EndpointPort.class, "io.k8s.api.discovery.v1.EndpointPort", "DiscoveryV1EndpointPort"),
                new Case(io.fabric8.kubernetes.api.model.EndpointPort.class, "io.k8s.api.core.v1.EndpointPort",
                        "CoreV1EndpointPort"),
                new Case(Subject.class, "io.k8s.api.rbac.v1.Subject", "RbacV1Subject"),
                new Case(SelfSubjectAccessReview.class, "io.k8s.api.authorization.v1.SelfSubjectAccessReview",
                        "V1SelfSubjectAccessReview"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void fabric8ClassesGetKubernetesDefinitionNamesAndTheirOfficialModelClass(Case c) {
        KubernetesTypeNames.TypeName name = NAMES.of(c.fabric8());

        assertThat(name.definition()).isEqualTo(c.definition());
        assertThat(name.officialClass()).isEqualTo(c.officialClass());
    }

    record Group(String group, String camel, String tag) {
    }

    static Stream<Group> groups() {
        return Stream.of(new Group("", "Core", "core_v1"), new Group("apps", "Apps", "apps_v1"),
                new Group("rbac.authorization.k8s.io", "RbacAuthorization", "rbacAuthorization_v1"),
                new Group("coordination.k8s.io", "Coordination", "coordination_v1"));
    }

    @ParameterizedTest
    @MethodSource("groups")
    void groupsAreSpelledAsInKubernetesOperationIdsAndTags(Group g) {
        assertThat(KubernetesTypeNames.groupCamel(g.group())).isEqualTo(g.camel());
        assertThat(KubernetesTypeNames.tag(g.group(), "v1")).isEqualTo(g.tag());
    }
}
