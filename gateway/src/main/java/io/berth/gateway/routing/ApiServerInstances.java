package io.berth.gateway.routing;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The api-service replicas and which of them are in the rotation: a replica whose connection just failed is left
 * out for a short while (passive health checking), unless every replica is out. Thread safe.
 */
public final class ApiServerInstances {

    public static final String SERVICE_ID = "api-service";

    private final List<ServiceInstance> all;
    private final Map<String, Long> ejectedUntil = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long ejectMillis;

    public ApiServerInstances(List<URI> servers, Clock clock, Duration ejectFor) {
        List<ServiceInstance> instances = new ArrayList<>();
        int i = 0;
        for (URI uri : servers) {
            instances.add(new DefaultServiceInstance(SERVICE_ID + "-" + i++, SERVICE_ID, uri.getHost(),
                    uri.getPort(), "https".equals(uri.getScheme())));
        }
        this.all = List.copyOf(instances);
        this.clock = clock;
        this.ejectMillis = ejectFor.toMillis();
    }

    /** The replicas in the rotation (all of them when every one is ejected: better a retry than a certain 503). */
    public List<ServiceInstance> available() {
        long now = clock.millis();
        List<ServiceInstance> healthy = all.stream()
                .filter(s -> ejectedUntil.getOrDefault(key(s.getHost(), s.getPort()), 0L) <= now)
                .toList();
        return healthy.isEmpty() ? all : healthy;
    }

    public List<ServiceInstance> all() {
        return all;
    }

    /** Takes the replica at {@code uri} out of the rotation for the ejection period. */
    public void eject(URI uri) {
        if (uri != null) {
            ejectedUntil.put(key(uri.getHost(), uri.getPort()), clock.millis() + ejectMillis);
        }
    }

    private static String key(String host, int port) {
        return host + ":" + port;
    }
}
