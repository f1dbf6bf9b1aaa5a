package io.berth.bench;

import io.berth.testkit.ClusterHarness;
import io.berth.testkit.EtcdProcess;
import io.etcd.jetcd.Client;

import javax.net.ssl.SSLException;
import java.time.Duration;

/** jetcd clients of the harness's etcd, holding the api-service's client certificate (as the api-service does). */
final class EtcdClients {

    private EtcdClients() {
    }

    static Client connect(ClusterHarness cluster) {
        EtcdProcess etcd = cluster.etcd();
        try {
            return Client.builder()
                    .endpoints(etcd.endpoint())
                    .connectTimeout(Duration.ofSeconds(5))
                    .sslContext(ssl -> ssl
                            .trustManager(etcd.caCert().toFile())
                            .keyManager(etcd.clientCert().toFile(), etcd.clientKey().toFile()))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot use the etcd client certificate " + etcd.clientCert(), e);
        }
    }
}
