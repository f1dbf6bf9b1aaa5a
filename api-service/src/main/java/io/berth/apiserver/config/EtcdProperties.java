package io.berth.apiserver.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.util.List;

/**
 * How the api-service reaches etcd ({@code berth.etcd.*}). Client-certificate authentication is always on: the
 * certificate files default to the layout {@code bin/berth} generates under {@code berth.pki.dir}.
 *
 * @param endpoints etcd client URLs
 * @param prefix    the key prefix of this cluster, so clusters can share an etcd
 * @param caFile    the etcd CA; default {@code <pki>/etcd/ca.crt}
 * @param certFile  the api-service's etcd client certificate; default {@code <pki>/apiserver-etcd-client.crt}
 * @param keyFile   its key; default {@code <pki>/apiserver-etcd-client.key}
 */
@ConfigurationProperties("berth.etcd")
public record EtcdProperties(
        @DefaultValue("https://127.0.0.1:2379") List<String> endpoints,
        @DefaultValue("/registry") String prefix,
        Path caFile,
        Path certFile,
        Path keyFile) {

    public Path caFile(Path pkiDir) {
        return caFile != null ? caFile : pkiDir.resolve("etcd/ca.crt");
    }

    public Path certFile(Path pkiDir) {
        return certFile != null ? certFile : pkiDir.resolve("apiserver-etcd-client.crt");
    }

    public Path keyFile(Path pkiDir) {
        return keyFile != null ? keyFile : pkiDir.resolve("apiserver-etcd-client.key");
    }
}
