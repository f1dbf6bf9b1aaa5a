package io.berth.apiserver.admission;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the admission plugins ({@code berth.apiserver.admission.*}); the defaults are Kubernetes'.
 *
 * @param defaultNotReadyTolerationSeconds    {@code tolerationSeconds} of the toleration of
 *                                            {@code node.kubernetes.io/not-ready:NoExecute} that
 *                                            {@link DefaultTolerationSeconds} gives a new pod without one
 *                                            (kube-apiserver's {@code --default-not-ready-toleration-seconds})
 * @param defaultUnreachableTolerationSeconds the same for {@code node.kubernetes.io/unreachable:NoExecute}
 *                                            ({@code --default-unreachable-toleration-seconds})
 */
@ConfigurationProperties("berth.apiserver.admission")
public record AdmissionProperties(
        @DefaultValue("300") long defaultNotReadyTolerationSeconds,
        @DefaultValue("300") long defaultUnreachableTolerationSeconds) {
}
