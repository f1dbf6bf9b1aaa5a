package io.berth.apimachinery.validation;

import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.berth.apimachinery.validation.Fixtures.with;
import static io.berth.apimachinery.validation.PodAndServiceValidationTest.FORBIDDEN;
import static io.berth.apimachinery.validation.PodAndServiceValidationTest.INVALID;
import static io.berth.apimachinery.validation.PodAndServiceValidationTest.NOT_SUPPORTED;
import static io.berth.apimachinery.validation.PodAndServiceValidationTest.REQUIRED;

class ClusterKindsValidationTest {

    static Stream<Case> cases() {
        return Stream.of(
                Case.exactly("a namespace finalizer is standard or qualified", "namespaces",
                        with(Fixtures::namespace, n -> n.setSpec(new NamespaceSpecBuilder().withFinalizers("foo")
                                .build())), "spec.finalizers", INVALID,
                        "Invalid value: \"foo\": name is neither a standard finalizer name nor is it fully qualified"),
                Case.exactly("a taint effect is one Kubernetes knows, reported under metadata.taints", "nodes",
                        with(Fixtures::node, n -> n.getSpec().getTaints().get(0).setEffect("Sometimes")),
                        "metadata.taints[0].effect", NOT_SUPPORTED, "Unsupported value: \"Sometimes\": supported"
                                + " values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""),
                Case.exactly("a lease lasts a positive duration", "leases",
                        with(Fixtures::lease, l -> l.getSpec().setLeaseDurationSeconds(0)),
                        "spec.leaseDurationSeconds", INVALID, "Invalid value: 0: must be greater than 0"),
                Case.exactly("a user priority is at most one billion", "priorityclasses",
                        with(Fixtures::priorityClass, p -> p.setValue(2_000_000_000)), "value", FORBIDDEN,
                        "Forbidden: maximum allowed value of a user defined priority is 1000000000"),
                Case.exactly("the system- prefix is reserved", "priorityclasses",
                        with(Fixtures::priorityClass, p -> p.getMetadata().setName("system-foo")), "metadata.name",
                        FORBIDDEN, "Forbidden: priority class names with 'system-' prefix are reserved for system use"
                                + " only. error: system-foo is not a known system priority class"),
                Case.exactly("a system class has its system value", "priorityclasses",
                        with(Fixtures::priorityClass, p -> {
                            p.getMetadata().setName("system-cluster-critical");
                            p.setValue(1_000_000_000);
                        }), "metadata.name", FORBIDDEN, "Forbidden: priority class names with 'system-' prefix are"
                                + " reserved for system use only. error: value of system-cluster-critical PriorityClass"
                                + " must be 2000000000"),
                Case.exactly("a system class is never the global default", "priorityclasses",
                        with(Fixtures::priorityClass, p -> {
                            p.getMetadata().setName("system-node-critical");
                            p.setValue(2_000_001_000);
                            p.setGlobalDefault(true);
                        }), "metadata.name", FORBIDDEN, "Forbidden: priority class names with 'system-' prefix are"
                                + " reserved for system use only. error: globalDefault of system-node-critical"
                                + " PriorityClass must be false"),
                Case.of("the preemption policy is one Kubernetes knows", "priorityclasses",
                        with(Fixtures::priorityClass, p -> p.setPreemptionPolicy("Sometimes")), "preemptionPolicy",
                        NOT_SUPPORTED),
                Case.exactly("a role rule needs verbs", "roles",
                        with(Fixtures::role, r -> r.getRules().get(0).setVerbs(List.of())), "rules[0].verbs",
                        REQUIRED, "Required value: verbs must contain at least one value"),
                Case.exactly("a role may not grant non-resource URLs", "roles",
                        with(Fixtures::role, r -> r.setRules(List.of(new PolicyRuleBuilder()
                                .withNonResourceURLs("/healthz").withVerbs("get").build()))),
                        "rules[0].nonResourceURLs", INVALID,
                        "Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs"),
                Case.of("a resource rule needs api groups", "clusterroles",
                        with(Fixtures::clusterRole, r -> r.setRules(List.of(new PolicyRuleBuilder()
                                .withResources("pods").withVerbs("get").build()))), "rules[0].apiGroups", REQUIRED),
                Case.exactly("a role binding refers to a Role or ClusterRole", "rolebindings",
                        with(Fixtures::roleBinding, b -> b.getRoleRef().setKind("Foo")), "roleRef.kind",
                        NOT_SUPPORTED, "Unsupported value: \"Foo\": supported values: \"Role\", \"ClusterRole\""),
                Case.of("a cluster role binding refers to a ClusterRole only", "clusterrolebindings",
                        with(Fixtures::clusterRoleBinding, b -> b.getRoleRef().setKind("Role")), "roleRef.kind",
                        NOT_SUPPORTED),
                Case.of("a role reference names the RBAC group", "rolebindings",
                        with(Fixtures::roleBinding, b -> b.getRoleRef().setApiGroup(null)), "roleRef.apiGroup",
                        NOT_SUPPORTED),
                Case.of("a role reference needs a name", "rolebindings",
                        with(Fixtures::roleBinding, b -> b.getRoleRef().setName("")), "roleRef.name", REQUIRED),
                Case.exactly("a subject is a User, Group or ServiceAccount", "rolebindings",
                        with(Fixtures::roleBinding, b -> b.setSubjects(List.of(new SubjectBuilder().withKind("Robot")
                                .withName("r2").build()))), "subjects[0].kind", NOT_SUPPORTED,
                        "Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\""),
                Case.of("a cluster-wide service account subject names its namespace", "clusterrolebindings",
                        with(Fixtures::clusterRoleBinding, b -> b.getSubjects().get(1).setNamespace(null)),
                        "subjects[1].namespace", REQUIRED),
                Case.exactly("a policy type is Ingress or Egress", "networkpolicies",
                        with(Fixtures::networkPolicy, n -> n.getSpec().setPolicyTypes(List.of("Sideways"))),
                        "spec.policyTypes[0]", NOT_SUPPORTED,
                        "Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\""),
                Case.of("a policy port is between 1 and 65535", "networkpolicies",
                        with(Fixtures::networkPolicy, n -> n.getSpec().getIngress().get(0).getPorts().get(0)
                                .setPort(new IntOrString(0))), "spec.ingress[0].ports[0].port", INVALID),
                Case.exactly("an IP block is a CIDR", "networkpolicies",
                        with(Fixtures::networkPolicy, n -> n.getSpec().getIngress().get(0).getFrom().get(1)
                                .getIpBlock().setCidr("10.0.0.0/33")), "spec.ingress[0].from[1].ipBlock.cidr", INVALID,
                        "Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or"
                                + " 2001:db8::/64)"),
                Case.of("an except block lies inside the CIDR", "networkpolicies",
                        with(Fixtures::networkPolicy, n -> n.getSpec().getIngress().get(0).getFrom().get(1)
                                .getIpBlock().setExcept(List.of("192.168.0.0/16"))),
                        "spec.ingress[0].from[1].ipBlock.except[0]", INVALID),
                Case.exactly("a peer names something", "networkpolicies",
                        with(Fixtures::networkPolicy, n -> n.getSpec().getIngress().get(0)
                                .setFrom(List.of(new NetworkPolicyPeer()))), "spec.ingress[0].from[0]", REQUIRED,
                        "Required value: must specify a peer"),
                Case.exactly("a quota may not be negative", "resourcequotas",
                        with(Fixtures::resourceQuota, q -> q.getSpec().setHard(Map.of("pods", new Quantity("-1")))),
                        "spec.hard[pods]", INVALID, "Invalid value: \"-1\": must be greater than or equal to 0"),
                Case.exactly("a countable quota is a whole number", "resourcequotas",
                        with(Fixtures::resourceQuota, q -> q.getSpec().setHard(Map.of("pods", new Quantity("1.5")))),
                        "spec.hard[pods]", INVALID, "Invalid value: \"1.5\": must be an integer"),
                Case.of("a quota names a standard resource", "resourcequotas",
                        with(Fixtures::resourceQuota, q -> q.getSpec().setHard(Map.of("widgets", new Quantity("1")))),
                        "spec.hard[widgets]", INVALID),
                Case.exactly("a limit range minimum is at most its maximum", "limitranges",
                        with(Fixtures::limitRange, l -> l.getSpec().getLimits().get(0)
                                .setMin(Map.of("cpu", new Quantity("3")))), "spec.limits[0].min[cpu]", INVALID,
                        "Invalid value: \"3\": min value 3 is greater than max value 2"),
                Case.of("a limit type is Pod, Container or PersistentVolumeClaim", "limitranges",
                        with(Fixtures::limitRange, l -> l.getSpec().getLimits().get(0).setType("Node")),
                        "spec.limits[0].type", NOT_SUPPORTED),
                Case.exactly("an endpoints subset has addresses", "endpoints",
                        with(Fixtures::endpoints, e -> e.setSubsets(List.of(new EndpointSubsetBuilder()
                                .addNewPort().withPort(80).endPort().build()))), "subsets[0]", REQUIRED,
                        "Required value: must specify `addresses` or `notReadyAddresses`"),
                Case.of("an endpoint address is an IP", "endpoints",
                        with(Fixtures::endpoints, e -> e.getSubsets().get(0).getAddresses().get(0).setIp("web")),
                        "subsets[0].addresses[0].ip", INVALID),
                Case.of("an endpoint port is between 1 and 65535", "endpoints",
                        with(Fixtures::endpoints, e -> e.getSubsets().get(0).getPorts().get(0).setPort(0)),
                        "subsets[0].ports[0].port", INVALID),
                Case.exactly("an address type is IPv4, IPv6 or FQDN", "endpointslices",
                        with(Fixtures::endpointSlice, s -> s.setAddressType("IPv5")), "addressType", NOT_SUPPORTED,
                        "Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\""),
                Case.exactly("an IPv4 slice holds IPv4 addresses", "endpointslices",
                        with(Fixtures::endpointSlice, s -> s.getEndpoints().get(0).setAddresses(List.of("::1"))),
                        "endpoints[0].addresses[0]", INVALID, "Invalid value: \"::1\": must be a valid IPv4 address"),
                Case.of("a slice port protocol is one Kubernetes knows", "endpointslices",
                        with(Fixtures::endpointSlice, s -> s.getPorts().get(0).setProtocol("HTTP")),
                        "ports[0].protocol", NOT_SUPPORTED),
                Case.exactly("an event is in its involved object's namespace", "events",
                        with(Fixtures::event, e -> e.getInvolvedObject().setNamespace("other")),
                        "involvedObject.namespace", INVALID, "Invalid value: \"other\": does not match event.namespace"),
                Case.of("a service account name is a subdomain", "serviceaccounts",
                        with(Fixtures::serviceAccount, s -> s.getMetadata().setName("Builder")), "metadata.name",
                        INVALID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cluster_kinds_are_validated_as_kubernetes_does(Case c) {
        c.assertReported(ObjectValidator.validate(Fixtures.type(c.resource()), c.object().get()));
    }
}
