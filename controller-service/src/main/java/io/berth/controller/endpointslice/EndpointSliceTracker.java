package io.berth.controller.endpointslice;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' {@code EndpointSliceTracker}: the version of every slice this controller wrote, by Service, so that
 * <ul>
 *   <li>a sync from a cache that has not yet seen those writes is refused ({@link #stale}) instead of creating a
 *   slice twice (a created slice has a server-chosen name, so nothing else would catch it);</li>
 *   <li>the informer events of its own writes trigger no sync ({@link #shouldSync}), while anyone else's do.</li>
 * </ul>
 * Kubernetes tracks {@code metadata.generation}; Berth's api-service does not maintain one for EndpointSlices, so the
 * version here is the resourceVersion, which in Berth is the etcd revision of the write and so orders writes of one
 * object. Thread safe.
 */
final class EndpointSliceTracker {

    private static final long DELETION_EXPECTED = -1;

    /** Service key -> slice UID -> version written, or {@link #DELETION_EXPECTED}. */
    private final Map<String, Map<String, Long>> byService = new HashMap<>();
    /** Service key -> the UID of the Service those writes were for. */
    private final Map<String, String> serviceUids = new HashMap<>();

    /** Whether this slice's version is not the one this controller wrote last (or it wrote none). */
    synchronized boolean shouldSync(EndpointSlice slice) {
        Map<String, Long> versions = byService.get(serviceKey(slice));
        Long written = versions == null ? null : versions.get(slice.getMetadata().getUid());
        return written == null || version(slice) > written;
    }

    /**
     * Whether {@code slices} (the cache's, for {@code service}) lag behind this controller's writes: one is older
     * than written, one expected deleted is still there, or one written is missing. Writes for an earlier Service of
     * the same name (another UID) are forgotten first.
     */
    synchronized boolean stale(Service service, List<EndpointSlice> slices) {
        String key = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
        String uid = service.getMetadata().getUid();
        String trackedUid = serviceUids.put(key, uid);
        if (trackedUid != null && uid != null && !trackedUid.equals(uid)) {
            byService.remove(key);
        }
        Map<String, Long> versions = byService.get(key);
        if (versions == null) {
            return false;
        }
        Map<String, Long> provided = new HashMap<>();
        for (EndpointSlice s : slices) {
            provided.put(s.getMetadata().getUid(), version(s));
            Long written = versions.get(s.getMetadata().getUid());
            if (written != null && (written == DELETION_EXPECTED || written > version(s))) {
                return true;
            }
        }
        for (Map.Entry<String, Long> e : versions.entrySet()) {
            if (e.getValue() != DELETION_EXPECTED && !provided.containsKey(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** This controller wrote {@code slice} (the server's answer, with its UID and version). */
    synchronized void written(EndpointSlice slice) {
        byService.computeIfAbsent(serviceKey(slice), k -> new HashMap<>())
                .put(slice.getMetadata().getUid(), version(slice));
    }

    /** This controller deleted {@code slice}. */
    synchronized void expectDeletion(EndpointSlice slice) {
        byService.computeIfAbsent(serviceKey(slice), k -> new HashMap<>())
                .put(slice.getMetadata().getUid(), DELETION_EXPECTED);
    }

    /**
     * The informer saw {@code slice} deleted (or leave the Service's or this controller's labels): forgets it and
     * answers whether this controller deleted it (if not, someone else did and the Service needs a sync).
     */
    synchronized boolean handleDeletion(EndpointSlice slice) {
        String key = serviceKey(slice);
        Map<String, Long> versions = byService.get(key);
        if (versions == null) {
            return false;
        }
        Long written = versions.remove(slice.getMetadata().getUid());
        if (versions.isEmpty()) {
            byService.remove(key);
        }
        return written != null && written == DELETION_EXPECTED;
    }

    synchronized void deleteService(String key) {
        byService.remove(key);
        serviceUids.remove(key);
    }

    /** The key of the Service a slice belongs to, by its {@code kubernetes.io/service-name} label, or null. */
    static String serviceKey(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        String service = labels == null ? null : labels.get(EndpointSlicePlan.LABEL_SERVICE_NAME);
        if (service == null || service.isEmpty()) {
            return null;
        }
        return slice.getMetadata().getNamespace() + "/" + service;
    }

    private static long version(EndpointSlice slice) {
        String rv = slice.getMetadata().getResourceVersion();
        try {
            return rv == null ? 0 : Long.parseLong(rv);
        } catch (NumberFormatException e) {
            // not an etcd revision: versions cannot be ordered, so none looks stale
            return 0;
        }
    }

    /** Whether anything is tracked for the Service {@code key}. */
    synchronized boolean tracks(String key) {
        return !byService.getOrDefault(key, Map.of()).isEmpty();
    }
}
