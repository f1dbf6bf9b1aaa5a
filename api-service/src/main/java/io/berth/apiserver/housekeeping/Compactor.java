package io.berth.apiserver.housekeeping;

import io.berth.apimachinery.storage.EtcdKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Compacts etcd's history every interval, as kube-apiserver does: replicas race on a compare-and-swap of the
 * {@code compact_rev_key} version; the winner of a round records the current revision and compacts to the revision
 * recorded in the previous round, so one interval of history is always kept and only one replica compacts.
 * {@link #close()} stops it.
 */
public final class Compactor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Compactor.class);

    private final KV kv;
    private final ByteSequence key;
    private final ScheduledExecutorService timer;
    private long lastVersion;
    private long lastRevision;

    public Compactor(Client client, EtcdKeys keys, Duration interval) {
        this.kv = client.getKVClient();
        this.key = ByteSequence.from(keys.internalKey("compact_rev_key"), StandardCharsets.UTF_8);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etcd-compactor");
            t.setDaemon(true);
            return t;
        });
        if (!interval.isZero() && !interval.isNegative()) {
            timer.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One round; package-visible so tests can drive it. */
    synchronized void round() {
        try {
            long current = kv.get(key, GetOption.builder().withCountOnly(true).build()).get(10, TimeUnit.SECONDS)
                    .getHeader().getRevision();
            TxnResponse resp = kv.txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(lastVersion)))
                    .Then(Op.put(key, ByteSequence.from(Long.toString(current), StandardCharsets.UTF_8), PutOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit().get(10, TimeUnit.SECONDS);
            if (resp.isSucceeded()) {
                lastVersion++;
                long target = lastRevision;
                lastRevision = current;
                if (target > 0) {
                    kv.compact(target).get(60, TimeUnit.SECONDS);
                    log.info("compacted etcd to revision {}", target);
                }
            } else {
                var kvs = resp.getGetResponses().get(0).getKvs();
                lastVersion = kvs.isEmpty() ? 0 : kvs.get(0).getVersion();
                lastRevision = 0;
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("compaction round failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
