package io.berth.gateway.limits;

import io.berth.apimachinery.auth.UserInfo;
import io.berth.apimachinery.request.RequestInfo;

import java.util.Collection;
import java.util.Set;

import static io.berth.gateway.limits.PriorityLevelConfiguration.EXEMPT;
import static io.berth.gateway.limits.PriorityLevelConfiguration.GLOBAL_DEFAULT;
import static io.berth.gateway.limits.PriorityLevelConfiguration.LEADER_ELECTION;
import static io.berth.gateway.limits.PriorityLevelConfiguration.NODE_HIGH;
import static io.berth.gateway.limits.PriorityLevelConfiguration.SIMULATOR;
import static io.berth.gateway.limits.PriorityLevelConfiguration.SYSTEM;
import static io.berth.gateway.limits.PriorityLevelConfiguration.WORKLOAD_LOW;

/**
 * Which priority level a request belongs to: Kubernetes' suggested FlowSchemas, in their matching precedence, for
 * Berth's identities. The first that matches wins:
 * <ol>
 *   <li>{@code exempt}: groups in {@code exemptGroups} (system:masters), and the health probes {@code /healthz},
 *       {@code /livez}, {@code /readyz} from anyone (Kubernetes' {@code probes} schema);</li>
 *   <li>{@code leader-election}: get, create and update of {@code coordination.k8s.io} Leases by a system user;</li>
 *   <li>{@code node-high}: everything from group system:nodes, so Lease renewals and Node status never starve;</li>
 *   <li>{@code simulator}: the simulator users;</li>
 *   <li>{@code system}: the other requests of the system users;</li>
 *   <li>{@code workload-low}: ServiceAccounts (group system:serviceaccounts);</li>
 *   <li>{@code global-default}: everyone else: tenants and anonymous callers (of {@code /version}).</li>
 * </ol>
 * The flow, the unit that fairness shares seats between, is the user name, as Kubernetes' {@code ByUser}
 * distinguisher. Immutable and thread safe.
 */
public final class FlowSchemas {

    static final String NODES_GROUP = "system:nodes";
    static final String SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts";
    static final String COORDINATION_GROUP = "coordination.k8s.io";

    private static final Set<String> PROBES = Set.of("/healthz", "/livez", "/readyz");
    private static final Set<String> LEADER_ELECTION_VERBS = Set.of("get", "create", "update");
    private static final Set<String> LONG_RUNNING_SUBRESOURCES = Set.of("exec", "attach", "portforward", "proxy");

    private final Set<String> exemptGroups;
    private final Set<String> systemUsers;
    private final Set<String> simulatorUsers;

    public FlowSchemas(Collection<String> exemptGroups, Collection<String> systemUsers,
                       Collection<String> simulatorUsers) {
        this.exemptGroups = Set.copyOf(exemptGroups);
        this.systemUsers = Set.copyOf(systemUsers);
        this.simulatorUsers = Set.copyOf(simulatorUsers);
    }

    public static FlowSchemas of(LimitsProperties props) {
        return new FlowSchemas(props.exemptGroups(), props.systemUsers(), props.simulatorUsers());
    }

    /** Whether the user's requests are never limited, whatever they ask: decided before the request is parsed. */
    public boolean isExempt(UserInfo user) {
        if (user == null) {
            return false;
        }
        for (String group : user.groups()) {
            if (exemptGroups.contains(group)) {
                return true;
            }
        }
        return false;
    }

    /** The name of the request's priority level; {@code user} is null for an anonymous request. */
    public String classify(UserInfo user, RequestInfo request) {
        if (isExempt(user) || isProbe(request)) {
            return EXEMPT;
        }
        if (user == null) {
            return GLOBAL_DEFAULT;
        }
        boolean system = systemUsers.contains(user.name());
        if (system && isLeaderElection(request)) {
            return LEADER_ELECTION;
        }
        if (user.inGroup(NODES_GROUP)) {
            return NODE_HIGH;
        }
        if (simulatorUsers.contains(user.name())) {
            return SIMULATOR;
        }
        if (system) {
            return SYSTEM;
        }
        if (user.inGroup(SERVICE_ACCOUNTS_GROUP)) {
            return WORKLOAD_LOW;
        }
        return GLOBAL_DEFAULT;
    }

    /**
     * Whether the request holds its connection open for long (watches, exec, attach, port-forward, proxy, and logs
     * with {@code follow}): such requests take no seat, as in Kubernetes, since a seat would be held for minutes.
     */
    public static boolean isLongRunning(RequestInfo request, String followParam) {
        if (!request.resourceRequest()) {
            return false;
        }
        if ("watch".equals(request.verb())) {
            return true;
        }
        String subresource = request.subresource();
        if (LONG_RUNNING_SUBRESOURCES.contains(subresource)) {
            return true;
        }
        return "log".equals(subresource) && ("true".equals(followParam) || "1".equals(followParam));
    }

    private static boolean isProbe(RequestInfo request) {
        if (request.resourceRequest()) {
            return false;
        }
        String path = request.path();
        for (String probe : PROBES) {
            if (path.equals(probe) || path.startsWith(probe + "/")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLeaderElection(RequestInfo request) {
        return request.resourceRequest()
                && COORDINATION_GROUP.equals(request.group())
                && "leases".equals(request.resource())
                && request.subresource().isEmpty()
                && LEADER_ELECTION_VERBS.contains(request.verb());
    }
}
