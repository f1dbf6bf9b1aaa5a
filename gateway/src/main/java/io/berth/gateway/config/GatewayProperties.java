package io.berth.gateway.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's settings ({@code berth.gateway.*}); defaults run a local cluster.
 *
 * @param tokenFile         static tokens in Kubernetes' CSV format ({@code token,user,uid,"group1,group2"}), reread
 *                          when it changes
 * @param apiServers        the api-service replicas, balanced round robin
 * @param ejectFor          how long a replica whose connection failed is left out of the rotation
 * @param tokenFileRecheck  how often the token file's modification time is checked
 * @param serviceAccountKeyFile the public half of the api-service's token signing key ({@code sa.pub}, or a JWK set);
 *                              default {@code sa.pub} in {@code berth.pki.dir}
 * @param serviceAccountIssuer  the issuer ({@code iss}) of ServiceAccount tokens and node credentials
 * @param apiAudiences          audiences a token must name one of; empty means the issuer
 */
@ConfigurationProperties("berth.gateway")
public record GatewayProperties(
        @DefaultValue(".berth/tokens.csv") Path tokenFile,
        @DefaultValue("https://127.0.0.1:8081") List<URI> apiServers,
        @DefaultValue("5s") Duration ejectFor,
        @DefaultValue("1s") Duration tokenFileRecheck,
        Path serviceAccountKeyFile,
        @DefaultValue("https://kubernetes.default.svc.cluster.local") String serviceAccountIssuer,
        @DefaultValue({}) List<String> apiAudiences) {
}
