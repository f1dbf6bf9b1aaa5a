package io.berth.gateway.informers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The gateway's informers: RBAC objects (for the authorizer), pods (for the node authorizer's graph and bound
 * ServiceAccount tokens), ServiceAccounts (token uid checks) and the kube-system Secrets that hold bootstrap tokens
 * and node credentials. Everything the gateway decides per request is read from these caches; no API call is made
 * on the request path.
 *
 * <p>Lifecycle: {@code LATENT → STARTED → CLOSED}. {@link #start()} starts every informer against the first
 * api-service replica and returns at once; {@link #hasSynced()} says when every cache has its first list. If the
 * replica goes away for good (its watches keep failing) the informers are rebuilt against the next replica, and
 * the new set replaces the old one once it has listed.
 * Thread safe.
 */
public final class ClusterInformers implements AutoCloseable {

    public static final String NODE_NAME_INDEX = "spec.nodeName";
    public static final String BOOTSTRAP_TOKEN_TYPE = "bootstrap.kubernetes.io/token";
    public static final String NODE_CREDENTIAL_TYPE = "berth.io/node-credential";

    private static final Logger log = LoggerFactory.getLogger(ClusterInformers.class);

    private final List<URI> apiServers;
    private final Path pkiDir;
    private final AtomicLong rbacRevision = new AtomicLong();
    private final AtomicReference<Running> running = new AtomicReference<>();
    private final AtomicReference<String> state = new AtomicReference<>("LATENT");
    private final int giveUpAfter = 3;
    private static final java.time.Duration MOVE_AFTER = java.time.Duration.ofSeconds(5);
    private int next;
    private volatile long notWatchingSince;
    private volatile boolean reconnecting;
    private volatile java.util.concurrent.ScheduledFuture<?> supervisor;

    private static final ScheduledExecutorService RETRY = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-informers-retry");
        t.setDaemon(true);
        return t;
    });

    public ClusterInformers(List<URI> apiServers, Path pkiDir) {
        this.apiServers = List.copyOf(apiServers);
        this.pkiDir = pkiDir;
    }

    /** One set of informers on one client. */
    private record Running(
            KubernetesClient client,
            SharedIndexInformer<ClusterRole> clusterRoles,
            SharedIndexInformer<ClusterRoleBinding> clusterRoleBindings,
            SharedIndexInformer<Role> roles,
            SharedIndexInformer<RoleBinding> roleBindings,
            SharedIndexInformer<Pod> pods,
            SharedIndexInformer<ServiceAccount> serviceAccounts,
            SharedIndexInformer<Secret> bootstrapTokens,
            SharedIndexInformer<Secret> nodeCredentials) {

        List<SharedIndexInformer<?>> all() {
            return List.of(clusterRoles, clusterRoleBindings, roles, roleBindings, pods, serviceAccounts,
                    bootstrapTokens, nodeCredentials);
        }
    }

    public void start() {
        if (!state.compareAndSet("LATENT", "STARTED")) {
            throw new IllegalStateException("informers already " + state.get());
        }
        connect();
        supervisor = RETRY.scheduleWithFixedDelay(this::supervise, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * fabric8 re-opens a failed watch against the same replica forever, so a replica that went away for good would
     * leave the gateway authorizing from a cache that no longer changes: when some informer of the current set has
     * not been watching for {@link #MOVE_AFTER}, the set is rebuilt against the next replica (and replaces this one
     * once it has listed).
     */
    private void supervise() {
        Running r = running.get();
        if (r == null || state.get().equals("CLOSED")) {
            return;
        }
        boolean watching = r.all().stream().allMatch(SharedIndexInformer::isWatching);
        long now = System.nanoTime();
        if (watching) {
            notWatchingSince = 0;
            return;
        }
        if (notWatchingSince == 0) {
            notWatchingSince = now;
        } else if (now - notWatchingSince > MOVE_AFTER.toNanos() && !reconnecting) {
            log.warn("gateway informers have not been watching for {}; moving to the next api-service replica",
                    MOVE_AFTER);
            notWatchingSince = 0;
            reconnecting = true;
            connect();
        }
    }

    /**
     * Starts a set of informers against the next replica. The set becomes current only once every informer has
     * listed, so the caches being replaced keep answering (stale, but complete) meanwhile; when a current informer
     * gives up on its replica (see {@link #giveUpAfter}) the next replica is tried.
     */
    private synchronized void connect() {
        if (state.get().equals("CLOSED")) {
            return;
        }
        URI target = apiServers.get(next++ % apiServers.size());
        KubernetesClient client = ApiServerClients.connect(target, pkiDir);
        ResourceEventHandler<HasMetadata> bump = new Bump(rbacRevision);
        AtomicInteger failures = new AtomicInteger();
        Running r = new Running(client,
                start(client.rbac().clusterRoles().runnableInformer(0), bump, failures),
                start(client.rbac().clusterRoleBindings().runnableInformer(0), bump, failures),
                start(client.rbac().roles().inAnyNamespace().runnableInformer(0), bump, failures),
                start(client.rbac().roleBindings().inAnyNamespace().runnableInformer(0), bump, failures),
                start(client.pods().inAnyNamespace().runnableInformer(0)
                        .addIndexers(Map.of(NODE_NAME_INDEX, ClusterInformers::nodeName)), null, failures),
                start(client.serviceAccounts().inAnyNamespace().runnableInformer(0), null, failures),
                start(client.secrets().inNamespace("kube-system").withField("type", BOOTSTRAP_TOKEN_TYPE)
                        .runnableInformer(0), null, failures),
                start(client.secrets().inNamespace("kube-system").withField("type", NODE_CREDENTIAL_TYPE)
                        .runnableInformer(0), null, failures));
        CompletableFuture.allOf(r.all().stream().map(i -> i.start().toCompletableFuture())
                .toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("gateway informers could not list from {} ({}); trying the next api-service replica",
                        target, error.toString());
                close(r);
                RETRY.schedule(this::connect, 1, TimeUnit.SECONDS);
                return;
            }
            Running previous = running.getAndSet(r);
            reconnecting = false;
            if (previous != null) {
                close(previous);
            }
            rbacRevision.incrementAndGet();
            log.info("gateway informers synced from {}", target);
        });
        for (SharedIndexInformer<?> informer : r.all()) {
            informer.stopped().whenComplete((ok, error) -> {
                if (error != null && running.get() == r) {
                    log.warn("an informer on {} stopped ({}); moving to the next api-service replica",
                            target, error.toString());
                    connect();
                }
            });
        }
    }

    private static void close(Running r) {
        r.all().forEach(SharedIndexInformer::stop);
        r.client().close();
    }

    /**
     * An informer whose watch keeps failing gives up after {@link #giveUpAfter} failures of its set (a replica that
     * went away for good), so that {@link #connect()} moves to the next replica; fabric8 would otherwise retry the
     * same one forever and the gateway would authorize from a cache that no longer changes.
     */
    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> SharedIndexInformer<T> start(SharedIndexInformer<T> informer,
                                                                ResourceEventHandler<HasMetadata> handler,
                                                                AtomicInteger failures) {
        if (handler != null) {
            informer.addEventHandler((ResourceEventHandler<? super T>) handler);
        }
        informer.exceptionHandler((started, error) -> started && failures.incrementAndGet() <= giveUpAfter);
        return informer;
    }

    private static List<String> nodeName(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return node == null || node.isEmpty() ? List.of() : List.of(node);
    }

    /** True once every informer has its first list. */
    public boolean hasSynced() {
        Running r = running.get();
        return r != null && r.all().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** The informers that have not listed yet, for the readiness check's details. */
    public List<String> unsynced() {
        Running r = running.get();
        List<String> out = new ArrayList<>();
        if (r == null) {
            out.add("all");
            return out;
        }
        for (SharedIndexInformer<?> i : r.all()) {
            if (!i.hasSynced()) {
                out.add(i.getApiTypeClass().getSimpleName());
            }
        }
        return out;
    }

    /** The client of the current connection, for the rare live lookup. */
    public KubernetesClient client() {
        return current().client();
    }

    public long rbacRevision() {
        return rbacRevision.get();
    }

    private Running current() {
        Running r = running.get();
        if (r == null) {
            throw io.berth.apimachinery.errors.StatusErrors.serviceUnavailable(
                    "the gateway has not loaded the cluster's credentials and policy yet; try again shortly");
        }
        return r;
    }

    public ClusterRole clusterRole(String name) {
        return current().clusterRoles().getIndexer().getByKey(name);
    }

    public Role role(String namespace, String name) {
        return current().roles().getIndexer().getByKey(namespace + "/" + name);
    }

    public List<ClusterRole> clusterRoles() {
        return current().clusterRoles().getIndexer().list();
    }

    public List<ClusterRoleBinding> clusterRoleBindings() {
        return current().clusterRoleBindings().getIndexer().list();
    }

    public List<RoleBinding> roleBindings(String namespace) {
        return current().roleBindings().getIndexer().byIndex(io.fabric8.kubernetes.client.informers.cache.Cache.NAMESPACE_INDEX,
                namespace);
    }

    /** Every RoleBinding in every namespace. */
    public List<RoleBinding> allRoleBindings() {
        return current().roleBindings().getIndexer().list();
    }

    public Pod pod(String namespace, String name) {
        return current().pods().getIndexer().getByKey(namespace + "/" + name);
    }

    /** Pods whose {@code spec.nodeName} is the node. */
    public List<Pod> podsOnNode(String node) {
        return current().pods().getIndexer().byIndex(NODE_NAME_INDEX, node);
    }

    public ServiceAccount serviceAccount(String namespace, String name) {
        return current().serviceAccounts().getIndexer().getByKey(namespace + "/" + name);
    }

    /** A bootstrap-token or node-credential Secret of kube-system, by name. */
    public Optional<Secret> kubeSystemSecret(String name) {
        Running r = current();
        Secret s = r.bootstrapTokens().getIndexer().getByKey("kube-system/" + name);
        if (s == null) {
            s = r.nodeCredentials().getIndexer().getByKey("kube-system/" + name);
        }
        return Optional.ofNullable(s);
    }

    @Override
    public synchronized void close() {
        state.set("CLOSED");
        if (supervisor != null) {
            supervisor.cancel(false);
        }
        Running r = running.getAndSet(null);
        if (r != null) {
            close(r);
        }
    }

    /** Counts every change to an RBAC object, so aggregated rules are recomputed after one. */
    private record Bump(AtomicLong revision) implements ResourceEventHandler<HasMetadata> {
        @Override
        public void onAdd(HasMetadata obj) {
            revision.incrementAndGet();
        }

        @Override
        public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
            revision.incrementAndGet();
        }

        @Override
        public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
            revision.incrementAndGet();
        }
    }

}
