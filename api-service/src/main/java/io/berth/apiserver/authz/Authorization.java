package io.berth.apiserver.authz;

import io.berth.apimachinery.authorizer.ClusterAuthorizer;
import io.berth.apimachinery.authorizer.NodeAuthorizer;
import io.berth.apimachinery.rbac.Attributes;
import io.berth.apimachinery.rbac.AuthorizationResult;
import io.berth.apimachinery.rbac.RbacAuthorizer;
import io.berth.apimachinery.rbac.RbacObjects;
import io.berth.apimachinery.rbac.RuleResolver;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apiserver.storage.EtcdStore;
import io.berth.apiserver.watch.WatchCache;
import io.berth.apiserver.watch.WatchCaches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The cluster's authorizer chain (system:masters, the Node authorizer, RBAC) evaluated over this replica's watch
 * caches, as the gateway evaluates it over its informers: what access reviews answer and what escalation checks ask.
 * In memory; no etcd round trip per rule. Thread safe.
 */
public final class Authorization {

    private static final Logger log = LoggerFactory.getLogger(Authorization.class);

    private final ClusterAuthorizer authorizer;
    private final RuleResolver resolver;
    private final RbacObjects objects;
    private final Supplier<CompletableFuture<Void>> freshness;

    /**
     * @param objects   what {@code resolver} reads
     * @param freshness completes once the rules the resolver reads are at least as new as etcd (see {@link #fresh()})
     */
    public Authorization(ClusterAuthorizer authorizer, RuleResolver resolver, RbacObjects objects,
                         Supplier<CompletableFuture<Void>> freshness) {
        this.authorizer = authorizer;
        this.resolver = resolver;
        this.objects = objects;
        this.freshness = freshness;
    }

    /**
     * The chain over the watch caches of clusterroles, roles, clusterrolebindings, rolebindings and pods.
     *
     * @param freshnessWait how long {@link #fresh()} waits for the caches to catch up with etcd
     */
    public static Authorization overCaches(ResourceRegistry registry, EtcdStore store, WatchCaches caches,
                                           Duration freshnessWait) {
        CacheRbacObjects objects = new CacheRbacObjects(registry, store.keys(), caches);
        RuleResolver resolver = new RuleResolver(objects);
        ClusterAuthorizer authorizer = new ClusterAuthorizer(
                new NodeAuthorizer(new CacheNodeGraph(registry, store.keys(), caches), registry),
                new RbacAuthorizer(resolver), caches::isReady);
        return new Authorization(authorizer, resolver, objects, () -> catchUp(store, objects.caches(), freshnessWait));
    }

    /**
     * Decides a request with the cluster's chain.
     *
     * @param fieldSelector the field selector of a list or watch (the node authorizer reads it), or null
     * @throws io.berth.apimachinery.errors.ApiException 503 while the caches have not loaded
     */
    public AuthorizationResult authorize(Attributes attributes, String fieldSelector) {
        return authorizer.authorize(attributes, fieldSelector);
    }

    public RuleResolver resolver() {
        return resolver;
    }

    /** The RBAC objects the resolver reads. */
    public RbacObjects objects() {
        return objects;
    }

    /**
     * Completes once the RBAC caches hold etcd's current revision, so that a role or binding written a moment ago
     * through another replica counts (one etcd read per call, not per rule). When they do not catch up in time it
     * completes all the same: the check then runs on slightly older policy, as the gateway's authorizer does.
     */
    public CompletableFuture<Void> fresh() {
        return freshness.get();
    }

    private static CompletableFuture<Void> catchUp(EtcdStore store, List<WatchCache> caches, Duration wait) {
        return store.currentRevision().thenCompose(revision -> CompletableFuture.allOf(caches.stream()
                .map(cache -> cache.waitUntilFresh(revision, wait).handle((ok, error) -> {
                    if (error != null) {
                        log.debug("watch cache {} did not reach revision {} in {}; checking against {}",
                                cache.type(), revision, wait, cache.revision());
                    }
                    return null;
                }))
                .toArray(CompletableFuture[]::new)));
    }
}
