package io.berth.scheduler.framework;

import java.util.List;

/**
 * The result of a plugin at an extension point, as Kubernetes' {@code framework.Status}: a code and the reasons a
 * user reads ("Insufficient cpu", "node(s) didn't match Pod's node affinity/selector"). Never an exception: a plugin
 * that cannot decide returns {@link Code#ERROR}. Immutable.
 *
 * @param plugin the plugin that answered, filled in by the framework
 */
public record Status(Code code, List<String> reasons, String plugin) {

    public enum Code {
        SUCCESS,
        /** The pod does not fit now; preemption may make room. */
        UNSCHEDULABLE,
        /** The pod does not fit and preempting pods on this node would not change that. */
        UNSCHEDULABLE_AND_UNRESOLVABLE,
        /** Something went wrong (the pod is retried after its back-off). */
        ERROR,
        /** PreFilter/PreScore: the plugin's Filter/Score has nothing to do for this pod. */
        SKIP
    }

    private static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), "");
    private static final Status SKIP = new Status(Code.SKIP, List.of(), "");

    public Status {
        reasons = List.copyOf(reasons);
    }

    public static Status success() {
        return SUCCESS;
    }

    public static Status skip() {
        return SKIP;
    }

    public static Status unschedulable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE, List.of(reasons), "");
    }

    public static Status unresolvable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons), "");
    }

    public static Status error(String reason) {
        return new Status(Code.ERROR, List.of(reason), "");
    }

    public boolean isSuccess() {
        return code == Code.SUCCESS;
    }

    public boolean isSkip() {
        return code == Code.SKIP;
    }

    /** Unschedulable, resolvable or not. */
    public boolean isRejected() {
        return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
    }

    /** The same status, attributed to {@code name}. */
    public Status from(String name) {
        return name.equals(plugin) || code == Code.SUCCESS || code == Code.SKIP ? this
                : new Status(code, reasons, name);
    }

    /** The reasons joined with ", ", as Kubernetes' {@code Status.Message()}. */
    public String message() {
        return String.join(", ", reasons);
    }
}
