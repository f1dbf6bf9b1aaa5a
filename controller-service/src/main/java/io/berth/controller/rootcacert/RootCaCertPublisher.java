package io.berth.controller.rootcacert;

import io.berth.controller.config.ControllerProperties;
import io.berth.controller.runtime.ControllerContext;
import io.berth.controller.runtime.ConfiguredController;
import io.berth.controller.runtime.Reconciler;
import io.berth.controller.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Kubernetes' root CA certificate publisher ({@code pkg/controller/certificates/rootcacertpublisher}): every active
 * namespace has a ConfigMap {@code kube-root-ca.crt} whose {@code ca.crt} is the cluster CA certificate, so pods can
 * verify the API server; it is recreated when deleted and restored when edited. The CA is the file the controller
 * manager's own client trusts ({@code berth.controller.ca-file}, default {@code ca.crt} in {@code berth.pki.dir}),
 * read once when the controller is built: an unreadable file fails the start-up, not each sync. Workqueue keys are
 * namespace names.
 */
@Component
public final class RootCaCertPublisher extends ConfiguredController {

    static final String NAME = "root-ca-cert-publisher";
    private static final String PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

    private final String ca;

    public RootCaCertPublisher(ControllerProperties props, @Value("${berth.pki.dir}") Path pkiDir) {
        super(NAME, props, 1);
        // the same file the controller manager's client trusts (ControllerConfiguration)
        this.ca = readCa(props.caFile() != null ? props.caFile() : pkiDir.resolve("ca.crt"));
    }

    /**
     * The PEM certificate(s) in {@code file}, as they are.
     *
     * @throws IllegalStateException when the file cannot be read or holds no PEM certificate
     */
    static String readCa(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("root-ca-cert-publisher: cannot read the cluster CA certificate " + file
                    + " (berth.controller.ca-file, default ca.crt in berth.pki.dir): " + e, e);
        }
        if (!pem.contains(PEM_CERTIFICATE)) {
            throw new IllegalStateException("root-ca-cert-publisher: the cluster CA file " + file
                    + " holds no PEM certificate (" + PEM_CERTIFICATE + ")");
        }
        return pem;
    }

    /** The cluster CA certificate, PEM, as read at start-up. */
    String ca() {
        return ca;
    }

    @Override
    public Reconciler setUp(ControllerContext context, WorkQueue queue) {
        context.informers().get(ConfigMap.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
            }

            @Override
            public void onUpdate(ConfigMap old, ConfigMap cm) {
                enqueue(cm);
            }

            @Override
            public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
                enqueue(cm);
            }

            private void enqueue(ConfigMap cm) {
                if (RootCaPlan.CONFIG_MAP.equals(cm.getMetadata().getName())) {
                    queue.add(cm.getMetadata().getNamespace());
                }
            }
        });
        context.informers().get(Namespace.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                queue.add(ns.getMetadata().getName());
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
                if (RootCaPlan.active(ns)) {
                    queue.add(ns.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(Namespace ns, boolean finalStateUnknown) {
            }
        });
        return new RootCaReconciler(context.informers().lister(Namespace.class),
                context.informers().lister(ConfigMap.class), ca, RootCaReconciler.Client.over(context.client()));
    }
}
