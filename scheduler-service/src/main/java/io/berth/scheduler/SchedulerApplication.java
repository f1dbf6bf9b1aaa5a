package io.berth.scheduler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The scheduler: binds each pending pod to a node that can run it. An API client only (fabric8 informers on pods
 * and nodes, bindings and events through the gateway with its own token); several replicas elect one leader, which
 * alone schedules.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SchedulerApplication {

    public static void main(String[] args) {
        String property = "java.util.concurrent.ForkJoinPool.common.parallelism";
        // the JDK HTTP client completes every async request through the common pool, which has 1 worker on 2 cores
        if (System.getProperty(property) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(property, "2");
        }
        SpringApplication.run(SchedulerApplication.class, args);
    }
}
