package io.berth.apiserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The api-service: the Kubernetes API on etcd, reached only through the gateway's mutual TLS. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ApiServiceApplication.class, args);
    }
}
