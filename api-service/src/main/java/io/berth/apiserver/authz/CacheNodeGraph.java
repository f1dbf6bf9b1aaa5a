package io.berth.apiserver.authz;

import io.berth.apimachinery.authorizer.NodeGraph;
import io.berth.apimachinery.registry.ResourceRegistry;
import io.berth.apimachinery.storage.EtcdKeys;
import io.berth.apiserver.watch.CachedObject;
import io.berth.apiserver.watch.WatchCache;
import io.berth.apiserver.watch.WatchCaches;
import io.berth.apiserver.watch.WatchFilter;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.List;

/**
 * The node authorizer's graph over this replica's pod watch cache, for access reviews about nodes. A node's pods are
 * found by a scan of the cache (no index): reviews about nodes are rare, unlike the gateway's per-request checks,
 * which have their own indexed informers. Thread safe; returned pods are shared cache objects.
 */
public final class CacheNodeGraph implements NodeGraph {

    private final EtcdKeys keys;
    private final WatchCache pods;

    public CacheNodeGraph(ResourceRegistry registry, EtcdKeys keys, WatchCaches caches) {
        this.keys = keys;
        this.pods = caches.get(registry.find("", "v1", "pods").orElseThrow());
    }

    @Override
    public List<Pod> podsOnNode(String node) {
        List<Pod> bound = new ArrayList<>();
        for (CachedObject c : pods.list(WatchFilter.everything("")).items()) {
            Pod pod = (Pod) c.object();
            if (pod.getSpec() != null && node.equals(pod.getSpec().getNodeName())) {
                bound.add(pod);
            }
        }
        return bound;
    }

    @Override
    public Pod pod(String namespace, String name) {
        CachedObject c = pods.get(keys.key(pods.type(), namespace, name));
        return c == null ? null : (Pod) c.object();
    }
}
