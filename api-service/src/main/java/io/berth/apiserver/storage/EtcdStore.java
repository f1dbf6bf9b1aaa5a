package io.berth.apiserver.storage;

import io.berth.apimachinery.errors.ApiException;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.storage.EtcdKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Objects in etcd, following Kubernetes' etcd3 store: resourceVersion is the key's mod_revision and is never stored;
 * create is {@code If(modRevision == 0)}; updates are compare-and-swap loops that reuse the failed transaction's read
 * and skip no-op writes. Thread safe; every method is asynchronous and completes exceptionally with an
 * {@link ApiException} for the client's errors.
 */
public final class EtcdStore {

    private static final int MAX_UPDATE_ATTEMPTS = 64;

    private final KV kv;
    private final EtcdKeys keys;
    private final ValueTransformer transformer;
    private final long maxObjectSize;

    public EtcdStore(Client client, EtcdKeys keys, ValueTransformer transformer, long maxObjectSize) {
        this.kv = client.getKVClient();
        this.keys = keys;
        this.transformer = transformer;
        this.maxObjectSize = maxObjectSize;
    }

    public EtcdKeys keys() {
        return keys;
    }

    /** Writes a new object; 409 AlreadyExists when the key exists. {@code leaseId} 0 means no lease. */
    public CompletableFuture<Stored> create(ResourceType type, HasMetadata obj, long leaseId) {
        String key = keys.key(type, obj.getMetadata().getNamespace(), obj.getMetadata().getName());
        byte[] data = ObjectCodec.encode(obj);
        checkSize(data);
        PutOption put = leaseId == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(leaseId).build();
        return kv.txn()
                .If(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(0)))
                .Then(Op.put(bytes(key), ByteSequence.from(transformer.toStorage(data, key)), put))
                .commit()
                .handle((resp, error) -> {
                    if (error != null) {
                        throw EtcdErrors.translate(error);
                    }
                    if (!resp.isSucceeded()) {
                        throw StatusErrors.alreadyExists(type, obj.getMetadata().getName());
                    }
                    return new Stored(type, key, data, resp.getHeader().getRevision());
                });
    }

    /** The current object; 404 when there is none. */
    public CompletableFuture<Stored> get(ResourceType type, String namespace, String name) {
        return getKey(type, keys.key(type, namespace, name), 0).thenApply(stored -> {
            if (stored == null) {
                throw StatusErrors.notFound(type, name);
            }
            return stored;
        });
    }

    /** The object at {@code revision} (0 = current), or null. 410 when the revision is compacted. */
    public CompletableFuture<Stored> getKey(ResourceType type, String key, long revision) {
        GetOption opt = revision > 0 ? GetOption.builder().withRevision(revision).build() : GetOption.DEFAULT;
        return kv.get(bytes(key), opt).handle((resp, error) -> {
            if (error != null) {
                throw EtcdErrors.translate(error);
            }
            return resp.getKvs().isEmpty() ? null : stored(type, key, resp.getKvs().get(0));
        });
    }

    /** etcd's current revision (a cheap read of a key that does not exist). */
    public CompletableFuture<Long> currentRevision() {
        return kv.get(bytes(keys.internalKey("revision-probe")), GetOption.builder().withCountOnly(true).build())
                .handle((resp, error) -> {
                    if (error != null) {
                        throw EtcdErrors.translate(error);
                    }
                    return resp.getHeader().getRevision();
                });
    }

    /**
     * One page of a list, straight from etcd.
     *
     * @param namespace "" for every namespace
     * @param limit     0 for no limit
     * @param token     a continuation, or null for the first page
     * @param revision  0 for the latest state; otherwise the exact revision to read (410 when compacted)
     * @param filter    objects that don't pass are skipped (pages are then filled from further reads, as Kubernetes does)
     */
    public CompletableFuture<ListPage> list(ResourceType type, String namespace, long limit, ContinueToken token,
                                            long revision, Predicate<HasMetadata> filter) {
        String prefix = keys.collectionPrefix(type, namespace);
        String start = token == null ? prefix : prefix + token.start();
        long rev = token != null ? token.revision() : revision;
        List<Stored> items = new ArrayList<>();
        return listLoop(type, prefix, start, rev, limit, filter, items);
    }

    private CompletableFuture<ListPage> listLoop(ResourceType type, String prefix, String start, long revision,
                                                 long limit, Predicate<HasMetadata> filter, List<Stored> items) {
        GetOption.Builder opt = GetOption.builder().withRange(bytes(prefixEnd(prefix)));
        long fetch = limit > 0 ? Math.max(limit - items.size(), 1) + 1 : 0;
        if (fetch > 0) {
            opt.withLimit(fetch);
        }
        if (revision > 0) {
            opt.withRevision(revision);
        }
        return kv.get(bytes(start), opt.build()).handle((GetResponse resp, Throwable error) -> {
            if (error != null) {
                throw EtcdErrors.translate(error);
            }
            return resp;
        }).thenCompose(resp -> {
            long rev = revision > 0 ? revision : resp.getHeader().getRevision();
            List<KeyValue> kvs = resp.getKvs();
            boolean more = resp.isMore();
            String lastKey = null;
            for (KeyValue kvPair : kvs) {
                if (limit > 0 && items.size() >= limit) {
                    more = true;
                    break;
                }
                String key = kvPair.getKey().toString(StandardCharsets.UTF_8);
                lastKey = key;
                Stored s = stored(type, key, kvPair);
                if (filter == null || filter.test(s.object())) {
                    items.add(s);
                }
            }
            if (limit > 0 && items.size() < limit && more && lastKey != null) {
                return listLoop(type, prefix, lastKey + "\0", rev, limit, filter, items);
            }
            String next = null;
            if (limit > 0 && more && lastKey != null) {
                next = new ContinueToken(rev, lastKey.substring(prefix.length()) + "\0").encode();
            }
            return CompletableFuture.completedFuture(new ListPage(List.copyOf(items), rev, next));
        });
    }

    /**
     * Kubernetes' GuaranteedUpdate: read, apply {@code tryUpdate} to a private copy, compare-and-swap, and on a
     * conflict retry from the value the failed transaction read. When the function returns an object that encodes to
     * the stored bytes, nothing is written and the current object is returned (a no-op keeps its revision).
     *
     * @param suggestion a recent copy (e.g. from the watch cache) to try first, or null to read etcd
     */
    public CompletableFuture<Stored> guaranteedUpdate(ResourceType type, String namespace, String name,
                                                      UnaryOperator<HasMetadata> tryUpdate, Stored suggestion) {
        String key = keys.key(type, namespace, name);
        CompletableFuture<Stored> first = suggestion != null
                ? CompletableFuture.completedFuture(suggestion) : getKey(type, key, 0);
        return first.thenCompose(current -> updateLoop(type, key, name, tryUpdate, current, 0));
    }

    private CompletableFuture<Stored> updateLoop(ResourceType type, String key, String name,
                                                 UnaryOperator<HasMetadata> tryUpdate, Stored current, int attempt) {
        if (current == null) {
            return CompletableFuture.failedFuture(StatusErrors.notFound(type, name));
        }
        if (attempt >= MAX_UPDATE_ATTEMPTS) {
            return CompletableFuture.failedFuture(StatusErrors.modifiedConflict(type, name));
        }
        HasMetadata updated;
        try {
            updated = tryUpdate.apply(current.object());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (updated == null) {
            return CompletableFuture.completedFuture(current);
        }
        byte[] data = ObjectCodec.encode(updated);
        if (Arrays.equals(data, current.data())) {
            return CompletableFuture.completedFuture(current);
        }
        try {
            checkSize(data);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        return compareAndSwap(key, current.revision(),
                Op.put(bytes(key), ByteSequence.from(transformer.toStorage(data, key)), PutOption.DEFAULT))
                .thenCompose(resp -> {
                    if (resp.isSucceeded()) {
                        return CompletableFuture.completedFuture(
                                new Stored(type, key, data, resp.getHeader().getRevision()));
                    }
                    Stored fresh = fromElse(type, key, resp);
                    return updateLoop(type, key, name, tryUpdate, fresh, attempt + 1);
                });
    }

    /**
     * Deletes an object after {@code precondition} accepts the current state (it throws to refuse); retries when the
     * object changes between the read and the delete. Returns the object as it was last stored.
     */
    public CompletableFuture<Stored> delete(ResourceType type, String namespace, String name,
                                            Consumer<HasMetadata> precondition, Stored suggestion) {
        String key = keys.key(type, namespace, name);
        CompletableFuture<Stored> first = suggestion != null
                ? CompletableFuture.completedFuture(suggestion) : getKey(type, key, 0);
        return first.thenCompose(current -> deleteLoop(type, key, name, precondition, current, 0));
    }

    private CompletableFuture<Stored> deleteLoop(ResourceType type, String key, String name,
                                                 Consumer<HasMetadata> precondition, Stored current, int attempt) {
        if (current == null) {
            return CompletableFuture.failedFuture(StatusErrors.notFound(type, name));
        }
        if (attempt >= MAX_UPDATE_ATTEMPTS) {
            return CompletableFuture.failedFuture(StatusErrors.modifiedConflict(type, name));
        }
        try {
            if (precondition != null) {
                precondition.accept(current.object());
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return compareAndSwap(key, current.revision(), Op.delete(bytes(key), DeleteOption.DEFAULT))
                .thenCompose(resp -> resp.isSucceeded()
                        ? CompletableFuture.completedFuture(current)
                        : deleteLoop(type, key, name, precondition, fromElse(type, key, resp), attempt + 1));
    }

    /** {@code If(modRevision(key) == revision) Then(op) Else(get key)}: the failed branch reads the fresh value. */
    private CompletableFuture<TxnResponse> compareAndSwap(String key, long revision, Op op) {
        return kv.txn()
                .If(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(revision)))
                .Then(op)
                .Else(Op.get(bytes(key), GetOption.DEFAULT))
                .commit()
                .handle((TxnResponse resp, Throwable error) -> {
                    if (error != null) {
                        throw EtcdErrors.translate(error);
                    }
                    return resp;
                });
    }

    private Stored fromElse(ResourceType type, String key, TxnResponse resp) {
        List<GetResponse> gets = resp.getGetResponses();
        if (gets.isEmpty() || gets.get(0).getKvs().isEmpty()) {
            return null;
        }
        return stored(type, key, gets.get(0).getKvs().get(0));
    }

    Stored stored(ResourceType type, String key, KeyValue kvPair) {
        byte[] data = transformer.fromStorage(kvPair.getValue().getBytes(), key);
        return new Stored(type, key, data, kvPair.getModRevision());
    }

    private void checkSize(byte[] data) {
        if (data.length > maxObjectSize) {
            throw StatusErrors.tooLarge("Request entity too large: limit is " + maxObjectSize
                    + " bytes for a stored object (this one is " + data.length + " bytes)");
        }
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** The smallest key greater than every key with this prefix. */
    static String prefixEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    public ValueTransformer transformer() {
        return transformer;
    }
}
