package io.berth.node.pods;

import io.berth.node.runtime.ContainerRuntime;
import io.berth.node.runtime.ExecResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * Runs one probe once, as the kubelet does: exec in the container ({@code runc exec}, exit 0 = success), httpGet
 * to the pod IP (2xx/3xx = success; HTTPS without verifying the certificate, as the kubelet), tcpSocket connect.
 * Thread safe.
 */
final class Prober {

    /** A probe's outcome and why. */
    record Result(boolean success, String output) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .sslContext(insecure())
            .build();

    private final ContainerRuntime runtime;

    Prober(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    Result probe(Probe probe, Container container, String containerId, String podIp) {
        Duration timeout = Duration.ofSeconds(Math.max(1, value(probe.getTimeoutSeconds(), 1)));
        if (probe.getExec() != null) {
            List<String> command = probe.getExec().getCommand();
            if (command == null || command.isEmpty()) {
                return new Result(false, "exec probe without a command");
            }
            ExecResult r = runtime.exec(containerId, command, timeout);
            if (r.timedOut()) {
                return new Result(false, "command timed out after " + timeout.toSeconds() + "s");
            }
            return new Result(r.exitCode() == 0, (r.stdout() + r.stderr()).strip());
        }
        if (probe.getHttpGet() != null) {
            var get = probe.getHttpGet();
            String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
            int port = port(get.getPort(), container);
            String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase(java.util.Locale.ROOT);
            String path = get.getPath() == null || get.getPath().isEmpty() ? "/" : get.getPath();
            if (!path.startsWith("/")) {
                path = "/" + path;
            }
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(scheme + "://" + hostPort(host, port) + path))
                        .timeout(timeout).header("User-Agent", "kube-probe/1.32").GET();
                if (get.getHttpHeaders() != null) {
                    for (HTTPHeader h : get.getHttpHeaders()) {
                        req.setHeader(h.getName(), h.getValue());
                    }
                }
                HttpResponse<Void> r = HTTP.send(req.build(), HttpResponse.BodyHandlers.discarding());
                boolean ok = r.statusCode() >= 200 && r.statusCode() < 400;
                return new Result(ok, "HTTP probe " + (ok ? "succeeded" : "failed") + " with statuscode: "
                        + r.statusCode());
            } catch (IOException | IllegalArgumentException e) {
                return new Result(false, "Get \"" + scheme + "://" + hostPort(host, port) + path + "\": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, "interrupted");
            }
        }
        if (probe.getTcpSocket() != null) {
            String host = probe.getTcpSocket().getHost() == null || probe.getTcpSocket().getHost().isEmpty()
                    ? podIp : probe.getTcpSocket().getHost();
            int port = port(probe.getTcpSocket().getPort(), container);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                return new Result(true, "");
            } catch (IOException e) {
                return new Result(false, "dial tcp " + hostPort(host, port) + ": " + e.getMessage());
            }
        }
        return new Result(false, "probe type not supported (grpc probes are not yet)");
    }

    /** A probe's port: a number, or the name of one of the container's ports. */
    static int port(IntOrString port, Container container) {
        if (port == null) {
            return 0;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        String name = port.getStrVal();
        if (container.getPorts() != null) {
            for (ContainerPort p : container.getPorts()) {
                if (name.equals(p.getName())) {
                    return p.getContainerPort();
                }
            }
        }
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static int value(Integer v, int dflt) {
        return v == null || v <= 0 ? dflt : v;
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static SSLContext insecure() {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
