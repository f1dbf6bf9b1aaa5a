package io.berth.controller;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The controller manager: keeps the cluster converging to what users declared (replica sets, deployments, node
 * lifecycle and IPAM, endpoints, service accounts, namespaces, garbage collection). An API client only (fabric8
 * informers and writes through the gateway with its own token, user {@code system:kube-controller-manager}); several
 * replicas elect one leader, which alone runs the controllers.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ControllerApplication {

    public static void main(String[] args) {
        String property = "java.util.concurrent.ForkJoinPool.common.parallelism";
        // the JDK HTTP client completes every async request through the common pool, which has 1 worker on 2 cores
        if (System.getProperty(property) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(property, "2");
        }
        SpringApplication.run(ControllerApplication.class, args);
    }
}
