package io.berth.apimachinery.table;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;

import java.time.Instant;
import java.util.List;

import static io.berth.apimachinery.table.PodPrinter.str;

/** The event row of {@code kubectl get events}, following Kubernetes' {@code printEvent} (wide form). */
final class EventPrinter {

    private EventPrinter() {
    }

    static List<Object> cells(Event e, Instant now) {
        String first = HumanDuration.since(e.getFirstTimestamp(), now);
        if (HumanDuration.parse(e.getFirstTimestamp()) == null) {
            first = HumanDuration.since(e.getEventTime() == null ? null : e.getEventTime().getTime(), now);
        }
        String last = HumanDuration.parse(e.getLastTimestamp()) == null ? first
                : HumanDuration.since(e.getLastTimestamp(), now);
        long count = e.getCount() == null ? 0 : e.getCount();
        if (e.getSeries() != null) {
            last = HumanDuration.since(e.getSeries().getLastObservedTime() == null ? null
                    : e.getSeries().getLastObservedTime().getTime(), now);
            count = e.getSeries().getCount() == null ? 0 : e.getSeries().getCount();
        } else if (count == 0) {
            count = 1; // singleton events carry no count in the new API
        }
        ObjectReference ref = e.getInvolvedObject() == null ? new ObjectReference() : e.getInvolvedObject();
        String kind = str(ref.getKind()).toLowerCase();
        String target = str(ref.getName()).isEmpty() ? kind : kind + "/" + ref.getName();
        String component = e.getSource() == null ? "" : str(e.getSource().getComponent());
        String host = e.getSource() == null ? "" : str(e.getSource().getHost());
        component = component.isEmpty() ? str(e.getReportingComponent()) : component;
        host = host.isEmpty() ? str(e.getReportingInstance()) : host;
        String source = host.isEmpty() ? component : component + ", " + host;
        return CoreConvertors.cells(last, str(e.getType()), str(e.getReason()), target, str(ref.getFieldPath()),
                source, str(e.getMessage()).strip(), first, count, Convertors.name(e));
    }
}
