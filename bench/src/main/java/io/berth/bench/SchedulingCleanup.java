package io.berth.bench;

import io.berth.testkit.ClusterHarness;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.CompactOption;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Removes what a scheduling benchmark made, after its scheduler has stopped: its pods (grace period 0: no node agent
 * would ever finish them), the Events its scheduler wrote about them, its namespace, its Nodes and its scheduler's
 * Lease, thousands of deletes at a time; then compacts etcd's history of them away, as the cluster's own compaction
 * would within minutes (a later benchmark of the run should not pay for this one's revisions, see
 * {@link PodCreate}). Best effort: a step that fails is reported on the progress log and the next one runs. Its
 * steps ({@link #deleteNamed}, {@link #deleteListed}, {@link #compact}) also clean up after {@link Deployments}.
 */
final class SchedulingCleanup {

    private static final Duration DEADLINE = Duration.ofMinutes(5);

    private final String benchmark;
    private final GatewayClient api;
    private final int concurrency;

    SchedulingCleanup(String benchmark, GatewayClient api, int concurrency) {
        this.benchmark = benchmark;
        this.api = api;
        this.concurrency = concurrency;
    }

    void run(ClusterHarness cluster, String namespace, List<String> pods, String nodePrefix, int nodes,
             String schedulerLease) {
        Console.progress(benchmark, "cleaning up: " + pods.size() + " pods, Events, namespace " + namespace + ", "
                + nodes + " Nodes");
        deleteNamed("pods deleted", pods.size(),
                i -> Pods.podPath(namespace, pods.get(i)) + "?gracePeriodSeconds=0");
        deleteListed("Events deleted", "/api/v1/namespaces/" + namespace + "/events", "");
        deleteNamed("namespace deleted", 1, i -> "/api/v1/namespaces/" + namespace);
        deleteNamed("Nodes deleted", nodes, i -> "/api/v1/nodes/" + SchedulerPerfTemplates.nodeName(nodePrefix, i));
        deleteNamed("scheduler Lease deleted", 1,
                i -> "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/" + schedulerLease);
        compact(cluster);
    }

    /** Deletes the objects at {@code path(0)} to {@code path(n - 1)}; reports how it went on the progress log. */
    void deleteNamed(String what, int n, IntFunction<String> path) {
        if (n == 0) {
            return;
        }
        Bulk.Result r = Bulk.run(n, concurrency, DEADLINE, i -> delete(path.apply(i)));
        Console.progress(benchmark, what + ": " + r.describe());
    }

    /**
     * Deletes every object a list path (without a query) lists, each DELETE with {@code query} (e.g.
     * {@code ?gracePeriodSeconds=0}, or empty).
     */
    void deleteListed(String what, String listPath, String query) {
        List<String> names;
        try {
            names = names(listPath);
        } catch (RuntimeException e) {
            Console.progress(benchmark, "could not list " + listPath + ": " + BenchMain.reason(e));
            return;
        }
        deleteNamed(what, names.size(), i -> listPath + "/" + names.get(i) + query);
    }

    /** A DELETE that succeeds when the object is gone, whether it went now (200) or before (404). */
    private Mono<GatewayClient.Response> delete(String path) {
        return api.send(HttpMethod.DELETE, path, null).flatMap(r -> r.status() == 200 || r.status() == 404
                ? Mono.just(r) : Mono.error(new GatewayClient.UnexpectedStatus(200, r)));
    }

    /** The names of every object of a list path. */
    private List<String> names(String path) {
        List<String> names = new ArrayList<>();
        api.forEachItem(path, item -> names.add(item.path("metadata").path("name").asString()));
        return names;
    }

    /** Compacts etcd at its current revision, so the history of what was deleted goes too. */
    void compact(ClusterHarness cluster) {
        try (Client etcd = EtcdClients.connect(cluster)) {
            KV kv = etcd.getKVClient();
            long revision = kv.get(ByteSequence.from("/registry/namespaces/default", StandardCharsets.UTF_8))
                    .get(30, TimeUnit.SECONDS).getHeader().getRevision();
            kv.compact(revision, CompactOption.builder().withCompactPhysical(true).build()).get(60, TimeUnit.SECONDS);
            Console.progress(benchmark, "etcd compacted at revision " + revision);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Console.progress(benchmark, "could not compact etcd: " + BenchMain.reason(e));
        }
    }
}
