package io.berth.node.pods;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The variables that describe a Service to a container, as the kubelet writes them ({@code envvars.FromServices}):
 * {@code <NAME>_SERVICE_HOST}, {@code <NAME>_SERVICE_PORT}, one {@code <NAME>_SERVICE_PORT_<PORT NAME>} per named port,
 * and Docker's link variables ({@code <NAME>_PORT}, {@code <NAME>_PORT_<port>_<PROTO>} with {@code _PROTO},
 * {@code _PORT} and {@code _ADDR}). A Service without a cluster IP (headless, or none assigned yet) has none.
 */
final class ServiceEnv {

    private ServiceEnv() {
    }

    static Map<String, String> of(Service service) {
        Map<String, String> env = new LinkedHashMap<>();
        String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
        List<ServicePort> ports = service.getSpec() == null ? null : service.getSpec().getPorts();
        if (ip == null || ip.isEmpty() || ip.equals("None") || ports == null || ports.isEmpty()) {
            return env;
        }
        String prefix = name(service.getMetadata().getName());
        env.put(prefix + "_SERVICE_HOST", ip);
        env.put(prefix + "_SERVICE_PORT", Integer.toString(ports.get(0).getPort()));
        for (ServicePort p : ports) {
            if (p.getName() != null && !p.getName().isEmpty()) {
                env.put(prefix + "_SERVICE_PORT_" + name(p.getName()), Integer.toString(p.getPort()));
            }
        }
        ServicePort first = ports.get(0);
        env.put(prefix + "_PORT", url(first, ip));
        for (ServicePort p : ports) {
            String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol().toUpperCase(Locale.ROOT);
            String base = prefix + "_PORT_" + p.getPort() + "_" + protocol;
            env.put(base, url(p, ip));
            env.put(base + "_PROTO", protocol.toLowerCase(Locale.ROOT));
            env.put(base + "_PORT", Integer.toString(p.getPort()));
            env.put(base + "_ADDR", ip);
        }
        return env;
    }

    private static String url(ServicePort p, String ip) {
        String protocol = p.getProtocol() == null ? "tcp" : p.getProtocol().toLowerCase(Locale.ROOT);
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        return protocol + "://" + host + ":" + p.getPort();
    }

    /** A Service or port name as a variable name: upper case, dashes as underscores. */
    private static String name(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
