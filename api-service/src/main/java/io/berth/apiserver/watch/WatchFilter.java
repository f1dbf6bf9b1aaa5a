package io.berth.apiserver.watch;

import io.berth.apimachinery.selector.FieldSelector;
import io.berth.apimachinery.selector.LabelSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Map;

/**
 * What one list or watch asks for: a namespace ("" for all), and label and field selectors. Immutable.
 */
public record WatchFilter(String namespace, LabelSelector labels, FieldSelector fields) {

    public static WatchFilter everything(String namespace) {
        return new WatchFilter(namespace, null, null);
    }

    public boolean matches(HasMetadata obj) {
        if (obj == null) {
            return false;
        }
        if (!namespace.isEmpty() && !namespace.equals(obj.getMetadata().getNamespace())) {
            return false;
        }
        if (labels != null && !labels.isEverything()) {
            Map<String, String> l = obj.getMetadata().getLabels();
            if (!labels.matches(l == null ? Map.of() : l)) {
                return false;
            }
        }
        return fields == null || fields.isEverything() || fields.matches(obj);
    }

    public boolean selectsAll() {
        return (labels == null || labels.isEverything()) && (fields == null || fields.isEverything());
    }
}
