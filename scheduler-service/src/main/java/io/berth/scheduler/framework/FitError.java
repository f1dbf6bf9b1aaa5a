package io.berth.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Why no node fits a pod (Kubernetes' {@code FitError}): how many nodes there were, the PreFilter rejection or each
 * rejected node's status, and what a PostFilter (preemption) said. {@link #message()} is the FailedScheduling text:
 * {@code "0/5 nodes are available: 2 node(s) had untolerated taint {a: b}, 3 Insufficient cpu."}.
 */
public record FitError(int allNodes, Status preFilter, Map<String, Status> rejections, String postFilterMessage) {

    public static FitError noNodes() {
        return new FitError(0, null, Map.of(), null);
    }

    /** The plugins that rejected the pod: the queue wakes it on their events. */
    public Set<String> rejectors() {
        Set<String> plugins = new TreeSet<>();
        if (preFilter != null) {
            plugins.add(preFilter.plugin());
        }
        for (Status s : rejections.values()) {
            plugins.add(s.plugin());
        }
        plugins.remove("");
        return plugins;
    }

    public FitError withPostFilter(String message) {
        return new FitError(allNodes, preFilter, rejections, message);
    }

    public String message() {
        if (allNodes == 0) {
            return "no nodes available to schedule pods";
        }
        StringBuilder m = new StringBuilder("0/").append(allNodes).append(" nodes are available:");
        if (preFilter != null && !preFilter.message().isEmpty()) {
            m.append(' ').append(preFilter.message()).append('.');
        } else {
            Map<String, Integer> histogram = new HashMap<>();
            for (Status s : rejections.values()) {
                for (String reason : s.reasons()) {
                    histogram.merge(reason, 1, Integer::sum);
                }
            }
            List<String> counted = new ArrayList<>(histogram.size());
            histogram.forEach((reason, n) -> counted.add(n + " " + reason));
            Collections.sort(counted);
            if (!counted.isEmpty()) {
                m.append(' ').append(String.join(", ", counted)).append('.');
            }
        }
        if (postFilterMessage != null && !postFilterMessage.isEmpty()) {
            m.append(' ').append(postFilterMessage).append('.');
        }
        return m.toString();
    }
}
