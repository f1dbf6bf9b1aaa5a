package io.berth.node;

import io.berth.node.client.ApiClients;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The node agent (Berth's kubelet): registers its node, renews its Lease, runs the pods bound to it as conmon + runc
 * containers and reports their status; or, with {@code berth.node.simulate.count > 0}, stands in for that many
 * simulated nodes. An API client only: it talks to the gateway with its own credential and never to etcd.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NodeAgentApplication {

    public static void main(String[] args) {
        ApiClients.ensureCommonPool();
        SpringApplication.run(NodeAgentApplication.class, args);
    }
}
