package io.berth.apimachinery.table;

import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.TableColumnDefinition;

import java.time.Instant;
import java.util.List;

/**
 * Turns objects of one resource into Table rows, as Kubernetes' printers (pkg/printers/internalversion) do for
 * {@code kubectl get}. The server always renders the wide form: columns of priority 1 are included and kubectl
 * shows them only with {@code -o wide}.
 *
 * <p>Implementations are immutable and thread safe.
 */
public interface TableConvertor {

    /** The columns, in order; {@link #cells} returns one value per column. */
    List<TableColumnDefinition> columns();

    /**
     * The row's cells: strings, {@code Long}s for integer columns and {@code Boolean}s for boolean ones.
     *
     * @param now the instant ages are computed against
     */
    List<Object> cells(HasMetadata obj, Instant now);

    /** The convertor for {@code type}; resources Kubernetes has no printer for get NAME and CREATED AT. */
    static TableConvertor forType(ResourceType type) {
        return Convertors.forType(type);
    }
}
