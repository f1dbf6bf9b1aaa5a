package io.berth.apimachinery.table;

import io.fabric8.kubernetes.api.model.Secret;

import java.util.HashSet;
import java.util.Set;

/** Counts a Secret's keys as Kubernetes does after merging {@code stringData} into {@code data}. */
final class Secrets {

    private Secrets() {
    }

    static int keyCount(Secret s) {
        Set<String> keys = new HashSet<>();
        if (s.getData() != null) {
            keys.addAll(s.getData().keySet());
        }
        if (s.getStringData() != null) {
            keys.addAll(s.getStringData().keySet());
        }
        return keys.size();
    }
}
