package io.berth.scheduler.plugins.unsupported;

import io.berth.scheduler.framework.CycleState;
import io.berth.scheduler.framework.PreFilterPlugin;
import io.berth.scheduler.framework.Snapshot;
import io.berth.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;

import java.util.List;

/**
 * Keeps pods whose hard constraints this scheduler cannot check yet (required pod affinity or anti-affinity, and
 * topology spread with {@code whenUnsatisfiable: DoNotSchedule}) pending with a clear reason, instead of placing them
 * where those constraints may not hold. Removed when InterPodAffinity and PodTopologySpread are written; their soft
 * forms (preferred terms, {@code ScheduleAnyway}) are only preferences and are ignored meanwhile.
 */
public final class UnsupportedConstraints implements PreFilterPlugin {

    static final String MESSAGE = "this scheduler cannot check required pod affinity, pod anti-affinity or "
            + "DoNotSchedule topology spread constraints yet";

    @Override
    public String name() {
        return "UnsupportedConstraints";
    }

    @Override
    public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
        Affinity a = pod.getSpec().getAffinity();
        boolean podAffinity = a != null && (a.getPodAffinity() != null
                && !isEmpty(a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                || a.getPodAntiAffinity() != null
                && !isEmpty(a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()));
        boolean spread = false;
        for (TopologySpreadConstraint c : orEmpty(pod.getSpec().getTopologySpreadConstraints())) {
            spread |= !"ScheduleAnyway".equals(c.getWhenUnsatisfiable());
        }
        return podAffinity || spread ? Status.unresolvable(MESSAGE) : Status.success();
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
