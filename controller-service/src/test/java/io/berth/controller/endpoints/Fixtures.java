package io.berth.controller.endpoints;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.Map;

/** Services, pods and caches for the endpoint controllers' tests. */
public final class Fixtures {

    public static final String NS = "default";
    public static final Map<String, String> WEB = Map.of("app", "web");
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private Fixtures() {
    }

    /** A ClusterIP Service {@code name} selecting {@code app=web}, with the given ports. */
    public static Service service(String name, ServicePort... ports) {
        return new ServiceBuilder().withNewMetadata().withNamespace(NS).withName(name).withUid("svc-uid-" + name)
                .withResourceVersion("1").withCreationTimestamp("2024-05-01T10:00:00Z")
                .withLabels(Map.of("team", "a")).endMetadata()
                .withNewSpec().withSelector(WEB).withClusterIP("10.96.0.10").withType("ClusterIP")
                .withPorts(ports).endSpec().build();
    }

    public static Service headless(Service service) {
        return new ServiceBuilder(service).editSpec().withClusterIP("None").endSpec().build();
    }

    public static Service publishNotReady(Service service) {
        return new ServiceBuilder(service).editSpec().withPublishNotReadyAddresses(true).endSpec().build();
    }

    public static Service withoutSelector(Service service) {
        return new ServiceBuilder(service).editSpec().withSelector(Map.of()).endSpec().build();
    }

    /** A TCP service port; {@code target} an Integer, a port name, or null (the service port). */
    public static ServicePort port(String name, int port, Object target) {
        ServicePortBuilder b = new ServicePortBuilder().withName(name).withPort(port).withProtocol("TCP");
        if (target != null) {
            b.withTargetPort(new IntOrString(target));
        }
        return b.build();
    }

    /** A running, ready pod labelled {@code app=web} on node-a, with IP {@code ip}. */
    public static Pod pod(String name, String ip) {
        return new PodBuilder().withNewMetadata().withNamespace(NS).withName(name).withUid("uid-" + name)
                .withResourceVersion("1").withLabels(WEB).endMetadata()
                .withNewSpec().withNodeName("node-a").addNewContainer().withName("c").withImage("img").endContainer()
                .endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip).addNewPodIP().withIp(ip).endPodIP()
                .addNewCondition().withType("Ready").withStatus("True")
                .withLastTransitionTime("2024-05-01T10:00:05Z").endCondition()
                .endStatus().build();
    }

    public static Pod notReady(Pod pod) {
        return new PodBuilder(pod).editStatus().withConditions().addNewCondition().withType("Ready")
                .withStatus("False").withLastTransitionTime("2024-05-01T10:00:06Z").endCondition().endStatus()
                .build();
    }

    public static Pod terminating(Pod pod) {
        return new PodBuilder(pod).editMetadata().withDeletionTimestamp("2024-05-01T10:01:00Z").endMetadata()
                .build();
    }

    public static Pod phase(Pod pod, String phase) {
        return new PodBuilder(pod).editStatus().withPhase(phase).endStatus().build();
    }

    public static Pod withoutIp(Pod pod) {
        return new PodBuilder(pod).editStatus().withPodIP(null).withPodIPs().endStatus().build();
    }

    public static Pod onNode(Pod pod, String node) {
        return new PodBuilder(pod).editSpec().withNodeName(node).endSpec().build();
    }

    /** The pod's container gets a TCP port {@code name} = {@code port}. */
    public static Pod namedPort(Pod pod, String name, int port) {
        return new PodBuilder(pod).editSpec().editFirstContainer().addToPorts(new ContainerPortBuilder()
                .withName(name).withContainerPort(port).withProtocol("TCP").build()).endContainer().endSpec().build();
    }

    public static Node node(String name, String zone) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
        if (zone != null) {
            b.editMetadata().addToLabels("topology.kubernetes.io/zone", zone).endMetadata();
        }
        return b.build();
    }

    /** An informer-like cache (namespace index) holding {@code objects}. */
    @SafeVarargs
    public static <T extends HasMetadata> CacheImpl<T> cache(T... objects) {
        CacheImpl<T> cache = new CacheImpl<>(Cache.NAMESPACE_INDEX, Cache::metaNamespaceIndexFunc,
                Cache::metaNamespaceKeyFunc);
        for (T o : objects) {
            cache.put(o);
        }
        return cache;
    }

    public static <T extends HasMetadata> Lister<T> lister(CacheImpl<T> cache) {
        return new Lister<>(cache);
    }

    /** Through JSON and back, as an object read from the API. */
    @SuppressWarnings("unchecked")
    public static <T extends HasMetadata> T roundTrip(T obj) {
        return (T) JSON.unmarshal(JSON.asJson(obj), obj.getClass());
    }
}
