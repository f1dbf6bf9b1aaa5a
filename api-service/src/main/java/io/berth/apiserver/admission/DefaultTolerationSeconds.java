package io.berth.apiserver.admission;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes' DefaultTolerationSeconds admission plugin ({@code plugin/pkg/admission/defaulttolerationseconds}): a
 * new pod without a toleration of the {@code node.kubernetes.io/not-ready:NoExecute} taint gets
 * {@code {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: <not-ready>}},
 * and likewise for {@code node.kubernetes.io/unreachable}, so that a pod rides out a short loss of its node instead of
 * being evicted the moment the node is tainted. A toleration counts when its key is the taint's or empty
 * and its effect is {@code NoExecute} or empty; as in Kubernetes, its operator and value are not looked at (the only
 * toleration with an empty key that validation admits is {@code Exists}). Immutable; thread safe.
 * <p>
 * It runs on creates (dry runs included) and, as Kubernetes', on updates of the pod itself, where it puts back a default
 * toleration that a replacing PUT left out (validation would otherwise refuse the PUT: tolerations may only be added).
 */
public final class DefaultTolerationSeconds {

    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String NO_EXECUTE = "NoExecute";

    private final long notReadySeconds;
    private final long unreachableSeconds;

    public DefaultTolerationSeconds(long notReadySeconds, long unreachableSeconds) {
        this.notReadySeconds = notReadySeconds;
        this.unreachableSeconds = unreachableSeconds;
    }

    public DefaultTolerationSeconds(AdmissionProperties props) {
        this(props.defaultNotReadyTolerationSeconds(), props.defaultUnreachableTolerationSeconds());
    }

    /**
     * Appends the missing default tolerations to a pod being created or updated (mutates {@code pod}); idempotent. Never
     * refuses.
     */
    public void admitPod(Pod pod) {
        PodSpec spec = pod.getSpec();
        if (spec == null) {
            return; // validation refuses a pod without a spec
        }
        List<Toleration> tolerations = spec.getTolerations() == null ? new ArrayList<>()
                : new ArrayList<>(spec.getTolerations());
        boolean notReady = toleratesNoExecute(tolerations, NOT_READY);
        boolean unreachable = toleratesNoExecute(tolerations, UNREACHABLE);
        if (notReady && unreachable) {
            return;
        }
        // built per pod: fabric8's model objects are mutable, and one shared instance would tie every pod together
        if (!notReady) {
            tolerations.add(toleration(NOT_READY, notReadySeconds));
        }
        if (!unreachable) {
            tolerations.add(toleration(UNREACHABLE, unreachableSeconds));
        }
        spec.setTolerations(tolerations);
    }

    static boolean toleratesNoExecute(List<Toleration> tolerations, String key) {
        return tolerations.stream().anyMatch(t -> (empty(t.getKey()) || key.equals(t.getKey()))
                && (empty(t.getEffect()) || NO_EXECUTE.equals(t.getEffect())));
    }

    private static Toleration toleration(String key, long seconds) {
        return new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(NO_EXECUTE)
                .withTolerationSeconds(seconds).build();
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
