package io.berth.apiserver.nodeagent;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How the api-service reaches the node agents' logs/exec endpoint ({@code berth.apiserver.node-agent.*}). The
 * certificates are {@code ca.crt} (which signed the agents' serving certificate) and
 * {@code apiserver-kubelet-client.crt}/{@code .key} in {@code berth.pki.dir}.
 *
 * @param connectTimeout how long a TCP connect to an agent may take
 * @param headerTimeout  how long an agent may take to answer a log request's headers (the body is not limited:
 *                       a followed log streams for as long as the container runs)
 */
@ConfigurationProperties("berth.apiserver.node-agent")
public record NodeAgentProperties(
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("30s") Duration headerTimeout) {
}
