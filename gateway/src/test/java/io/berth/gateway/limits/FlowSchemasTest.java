package io.berth.gateway.limits;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.request.RequestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FlowSchemasTest {

    private static final FlowSchemas SCHEMAS = FlowSchemas.of(LimitsProperties.defaults());

    private static final UserInfo ADMIN = user("admin", "system:masters", "system:authenticated");
    private static final UserInfo SCHEDULER = user("system:kube-scheduler", "system:authenticated");
    private static final UserInfo CONTROLLERS = user("system:kube-controller-manager", "system:authenticated");
    private static final UserInfo GATEWAY = user("system:berth-gateway", "system:authenticated");
    private static final UserInfo NODE = user("system:node:node-1", "system:nodes", "system:authenticated");
    private static final UserInfo SIMULATOR = user("system:berth-simulator", "system:authenticated");
    private static final UserInfo WORKLOAD = user("system:serviceaccount:team-a:builder",
            "system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated");
    private static final UserInfo TENANT = user("alice", "team-a", "system:authenticated");

    record Case(String name, UserInfo user, String method, String path, String level) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String lease = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler";
        String nodeLease = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1";
        return Stream.of(
                new Case("system:masters are exempt whatever they ask", ADMIN, "DELETE",
                        "/api/v1/namespaces/default/pods/p", "exempt"),
                new Case("anonymous health probes are exempt", null, "GET", "/healthz", "exempt"),
                new Case("a named readiness check is exempt", null, "GET", "/readyz/etcd", "exempt"),
                new Case("a tenant's liveness probe is exempt", TENANT, "GET", "/livez", "exempt"),
                new Case("anonymous /version goes to global-default", null, "GET", "/version", "global-default"),
                new Case("the scheduler renewing its Lease is leader-election", SCHEDULER, "PUT", lease,
                        "leader-election"),
                new Case("the controller manager reading its Lease is leader-election", CONTROLLERS, "GET",
                        "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kcm", "leader-election"),
                new Case("the scheduler creating its Lease is leader-election", SCHEDULER, "POST",
                        "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", "leader-election"),
                new Case("the scheduler deleting a Lease is system", SCHEDULER, "DELETE", lease, "system"),
                new Case("the scheduler watching Leases is system", SCHEDULER, "GET",
                        "/apis/coordination.k8s.io/v1/leases?watch=true", "system"),
                new Case("the scheduler binding a pod is system", SCHEDULER, "POST",
                        "/api/v1/namespaces/default/pods/p/binding", "system"),
                new Case("the gateway's own requests are system", GATEWAY, "GET",
                        "/apis/rbac.authorization.k8s.io/v1/clusterroles", "system"),
                new Case("a node renewing its Lease is node-high", NODE, "PUT", nodeLease, "node-high"),
                new Case("a node updating its status is node-high", NODE, "PATCH", "/api/v1/nodes/node-1/status",
                        "node-high"),
                new Case("a node listing its pods is node-high", NODE, "GET", "/api/v1/pods", "node-high"),
                new Case("the simulator is simulator", SIMULATOR, "PUT", nodeLease, "simulator"),
                new Case("a ServiceAccount is workload-low", WORKLOAD, "GET",
                        "/api/v1/namespaces/team-a/configmaps", "workload-low"),
                new Case("a ServiceAccount's Lease is not leader-election", WORKLOAD, "PUT",
                        "/apis/coordination.k8s.io/v1/namespaces/team-a/leases/mine", "workload-low"),
                new Case("a tenant is global-default", TENANT, "POST", "/api/v1/namespaces/team-a/pods",
                        "global-default"),
                new Case("a tenant's Lease is global-default", TENANT, "PUT",
                        "/apis/coordination.k8s.io/v1/namespaces/team-a/leases/x", "global-default"),
                new Case("a tenant naming itself like a system user by group only is global-default",
                        user("mallory", "system:kube-scheduler"), "GET", "/api/v1/pods", "global-default"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void eachRequestLandsInItsPriorityLevel(Case c) {
        String query = c.path().contains("?") ? c.path().substring(c.path().indexOf('?') + 1) : "";
        String path = c.path().contains("?") ? c.path().substring(0, c.path().indexOf('?')) : c.path();
        RequestInfo request = RequestInfo.parse(c.method(), path, query.contains("watch=true") ? "true" : null);

        assertThat(SCHEMAS.classify(c.user(), request)).isEqualTo(c.level());
    }

    record LongRunningCase(String name, String method, String path, String watch, String follow, boolean expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<LongRunningCase> longRunning() {
        return Stream.of(
                new LongRunningCase("a watch by parameter", "GET", "/api/v1/namespaces/a/pods", "true", null, true),
                new LongRunningCase("a watch by path", "GET", "/api/v1/watch/namespaces/a/pods", null, null, true),
                new LongRunningCase("exec", "POST", "/api/v1/namespaces/a/pods/p/exec", null, null, true),
                new LongRunningCase("attach", "GET", "/api/v1/namespaces/a/pods/p/attach", null, null, true),
                new LongRunningCase("port-forward", "GET", "/api/v1/namespaces/a/pods/p/portforward", null, null,
                        true),
                new LongRunningCase("followed logs", "GET", "/api/v1/namespaces/a/pods/p/log", null, "true", true),
                new LongRunningCase("logs without follow", "GET", "/api/v1/namespaces/a/pods/p/log", null, null,
                        false),
                new LongRunningCase("a list", "GET", "/api/v1/namespaces/a/pods", null, null, false),
                new LongRunningCase("a get", "GET", "/api/v1/namespaces/a/pods/p", null, null, false),
                new LongRunningCase("a create", "POST", "/api/v1/namespaces/a/pods", null, null, false),
                new LongRunningCase("discovery", "GET", "/apis", "true", null, false));
    }

    @ParameterizedTest
    @MethodSource("longRunning")
    void longRunningRequestsAreWatchesAndStreams(LongRunningCase c) {
        RequestInfo request = RequestInfo.parse(c.method(), c.path(), c.watch());

        assertThat(FlowSchemas.isLongRunning(request, c.follow())).isEqualTo(c.expected());
    }

    private static UserInfo user(String name, String... groups) {
        return UserInfo.of(name, "", List.of(groups));
    }
}
