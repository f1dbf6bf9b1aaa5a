package io.berth.testkit;

import java.nio.file.Path;
import java.util.List;

/** Where an {@link EtcdProcess} runs: a local binary or a container. Not thread-safe; EtcdProcess guards it. */
interface EtcdRuntime {

    /** Starts etcd; for a stopped runtime, again on the same ports and data. */
    void start();

    /** {@code https://host:port} of the client listener. */
    String endpoint();

    boolean isRunning();

    /** The last lines etcd printed, for failure messages. */
    String logTail();

    /** Stops etcd and keeps its data. Idempotent. */
    void stop();

    /** Stops etcd and deletes its data. Idempotent. */
    void close();

    /** Whether a failed start was a port taken by someone else since the ports were chosen. */
    default boolean lostPortRace() {
        String log = logTail();
        return log.contains("address already in use");
    }

    /**
     * etcd's flags, the same as {@code bin/berth up} uses: client-certificate auth always, TLS on the client
     * listener with the etcd CA, plain HTTP on the peer listener of this single member.
     */
    /** How often etcd tells an idle watcher its revision (etcd's default, 10 minutes, is far too slow). */
    String PROGRESS_NOTIFY_INTERVAL = "500ms";

    static List<String> flags(String pkiDir, String dataDir, String clientListen, String clientAdvertise, String peerUrl, String peerListen) {
        return List.of(
                "--name", "berth",
                "--data-dir", dataDir,
                "--logger", "zap", "--log-outputs", "stderr",
                "--client-cert-auth",
                "--trusted-ca-file", pkiDir + "/" + Pki.ETCD_CA_CERT,
                "--cert-file", pkiDir + "/" + Pki.ETCD_SERVER_CERT,
                "--key-file", pkiDir + "/" + Pki.ETCD_SERVER_KEY,
                "--listen-client-urls", clientListen,
                "--advertise-client-urls", clientAdvertise,
                "--listen-peer-urls", peerListen,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "berth=" + peerUrl,
                // the api-service's watch caches learn from these that they are current (see WatchCache)
                "--experimental-watch-progress-notify-interval", PROGRESS_NOTIFY_INTERVAL);
    }

    /** The data folder on this machine, or null when etcd keeps it elsewhere (in a container). */
    Path dataDir();
}
