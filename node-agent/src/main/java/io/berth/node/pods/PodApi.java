package io.berth.node.pods;

import io.berth.apimachinery.json.Json;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The node's writes about pods: status (through the status subresource, retried on conflict, skipped when nothing
 * changed), Events (best effort, off the caller's thread, dropped when too many queue up), and the final delete
 * ({@code gracePeriodSeconds=0} with a uid precondition, so a new pod of the same name is never deleted). Thread safe.
 */
final class PodApi implements PodContext.StatusWriter, PodContext.EventRecorder {

    private static final Logger log = LoggerFactory.getLogger(PodApi.class);

    private final KubernetesClient client;
    private final String nodeName;
    private final Clock clock;
    private final Map<String, PodStatus> written = new ConcurrentHashMap<>();
    private final ExecutorService eventThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(1000), r -> {
                Thread t = new Thread(r, "pod-events");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    PodApi(KubernetesClient client, String nodeName, Clock clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.clock = clock;
    }

    @Override
    public boolean write(Pod pod, PodStatus status) {
        String uid = pod.getMetadata().getUid();
        if (status.equals(pod.getStatus()) || status.equals(written.get(uid))) {
            return true;
        }
        Pod current = pod;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                Pod updated = new PodBuilder(current).withStatus(merge(current.getStatus(), status)).build();
                client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(updated).updateStatus();
                written.put(uid, status);
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return true;
                }
                if (e.getCode() != 409) {
                    // e.g. 403 while the gateway's node graph has not seen the pod yet: the worker retries
                    log.info("writing the status of pod {}/{} failed, will retry: {}",
                            pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                            e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
                    return false;
                }
                current = client.pods().inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName()).get();
                if (current == null || !uid.equals(current.getMetadata().getUid())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The node's status over the stored one, keeping what others own (nominatedNodeName, resize, ...). */
    private static PodStatus merge(PodStatus stored, PodStatus mine) {
        if (stored == null) {
            return mine;
        }
        mine.setNominatedNodeName(stored.getNominatedNodeName());
        if (mine.getQosClass() == null) {
            mine.setQosClass(stored.getQosClass());
        }
        return mine;
    }

    void forget(String uid) {
        written.remove(uid);
    }

    @Override
    public void record(Pod pod, String type, String reason, String message) {
        eventThread.execute(() -> {
            String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
            try {
                client.v1().events().inNamespace(pod.getMetadata().getNamespace()).resource(new EventBuilder()
                        .withNewMetadata()
                        .withName(pod.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
                        .withNamespace(pod.getMetadata().getNamespace()).endMetadata()
                        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
                                .withName(pod.getMetadata().getName())
                                .withNamespace(pod.getMetadata().getNamespace())
                                .withUid(pod.getMetadata().getUid()).build())
                        .withType(type).withReason(reason).withMessage(message)
                        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                        .withNewSource().withComponent("kubelet").withHost(nodeName).endSource()
                        .withReportingComponent("kubelet").withReportingInstance(nodeName)
                        .build()).create();
            } catch (RuntimeException e) {
                log.debug("event {} for pod {} not recorded: {}", reason, pod.getMetadata().getName(), e.getMessage());
            }
        });
    }

    /** Records a Warning Event about this node (in {@code default}, where the kubelet puts node events). */
    void recordNode(String reason, String message) {
        eventThread.execute(() -> {
            String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
            try {
                client.v1().events().inNamespace("default").resource(new EventBuilder()
                        .withNewMetadata().withName(nodeName + "." + UUID.randomUUID().toString().substring(0, 13))
                        .withNamespace("default").endMetadata()
                        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Node")
                                .withName(nodeName).withUid(nodeName).build())
                        .withType("Warning").withReason(reason).withMessage(message)
                        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                        .withNewSource().withComponent("kubelet").withHost(nodeName).endSource()
                        .withReportingComponent("kubelet").withReportingInstance(nodeName)
                        .build()).create();
            } catch (RuntimeException e) {
                log.debug("node event {} not recorded: {}", reason, e.getMessage());
            }
        });
    }

    /** Deletes the pod for good once its containers are gone: grace 0, only this uid. */
    void finishDeletion(Pod pod) {
        String body = Json.writeString(Map.of("apiVersion", "v1", "kind", "DeleteOptions", "gracePeriodSeconds", 0,
                "preconditions", Map.of("uid", pod.getMetadata().getUid())));
        String url = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/"
                + pod.getMetadata().getNamespace() + "/pods/" + pod.getMetadata().getName();
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url)
                .delete("application/json", body).build();
        try {
            HttpResponse<String> r = client.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
            if (r.code() != 200 && r.code() != 404 && r.code() != 409) {
                log.warn("deleting pod {}/{} answered {}: {}", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(), r.code(), r.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("deleting pod {}/{} failed: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                    e.toString());
        }
        forget(pod.getMetadata().getUid());
    }

    void close() {
        eventThread.shutdown();
    }

    static boolean sameStatus(PodStatus a, PodStatus b) {
        return Objects.equals(a, b);
    }
}
