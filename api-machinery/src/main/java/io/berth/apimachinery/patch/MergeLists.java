package io.berth.apimachinery.patch;

import io.berth.apimachinery.schema.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Strategic merge of lists whose field has {@code patchStrategy: merge}: lists of objects merged element by element
 * on the merge key, lists of primitives merged as sets; then Kubernetes' ordering rule (patch order first, server
 * order for the rest, interleaved as {@code mergeSortedSlice} does). Stateless.
 */
final class MergeLists {

    private MergeLists() {
    }

    /**
     * The merged list, and what Kubernetes' {@code $setElementOrder} step then takes for the server's order.
     *
     * <p>Kubernetes merges lists of objects in place: deleting elements shifts the original's backing array left,
     * and appending new elements writes them into the slots freed at its end (the array the converter builds has no
     * spare capacity, so appends past the original length go elsewhere). The order step afterwards reads the
     * original list through that same array. {@code originalView} reproduces it, so that lists ordered by
     * {@code $setElementOrder} after a deletion come out exactly as kube-apiserver orders them.
     */
    record Merged(ArrayNode list, List<JsonNode> originalView) {
    }

    /**
     * Merges {@code patch} into {@code original}, which this call owns (its elements may be merged in place).
     * {@code patch} is only read.
     */
    static ArrayNode merge(ArrayNode original, ArrayNode patch, Schema items, String mergeKey) {
        return mergeTracking(original, patch, items, mergeKey).list();
    }

    /** As {@link #merge}, also reporting the view of the original that {@code $setElementOrder} orders by. */
    static Merged mergeTracking(ArrayNode original, ArrayNode patch, Schema items, String mergeKey) {
        List<JsonNode> originalElements = elements(original);
        if (original.isEmpty() && patch.isEmpty()) {
            return new Merged(original, originalElements);
        }
        Nodes.Kind kind = elementKind(original, patch);
        if (kind != Nodes.Kind.OBJECT) {
            return new Merged(mergePrimitives(original, patch), originalElements);
        }
        if (mergeKey == null || mergeKey.isEmpty()) {
            throw PatchErrors.unknown("cannot merge lists without merge key for type struct");
        }
        JsonNode[] backing = originalElements.toArray(new JsonNode[0]);
        int live = backing.length;
        List<ObjectNode> regular = new ArrayList<>();
        boolean replace = false;
        for (JsonNode element : patch) {
            ObjectNode object = (ObjectNode) element;
            JsonNode directive = object.get(Nodes.PATCH);
            if (directive == null) {
                regular.add(object);
                continue;
            }
            String name = directive.isString() ? directive.stringValue() : null;
            if ("delete".equals(name)) {
                JsonNode key = object.get(mergeKey);
                if (key == null) {
                    throw PatchErrors.noMergeKey(object, mergeKey);
                }
                live = deleteAll(backing, live, key, mergeKey);
            } else if ("replace".equals(name)) {
                // keep scanning: later elements may still be malformed directives
                replace = true;
            } else if ("merge".equals(name)) {
                throw PatchErrors.unknown("merging lists cannot yet be specified in the patch");
            } else {
                throw PatchErrors.badPatchType(directive, object);
            }
        }
        if (replace) {
            ArrayNode replaced = Nodes.FACTORY.arrayNode(regular.size());
            regular.forEach(element -> replaced.add(Nodes.clean(element)));
            return new Merged(replaced, originalElements);
        }
        List<JsonNode> server = new ArrayList<>(Arrays.asList(backing).subList(0, live));
        List<JsonNode> serverOrder = List.copyOf(server);
        for (ObjectNode element : regular) {
            JsonNode key = element.get(mergeKey);
            if (key == null) {
                throw PatchErrors.noMergeKey(element, mergeKey);
            }
            int at = indexOf(server, key, mergeKey);
            if (at >= 0 && server.get(at) instanceof ObjectNode existing) {
                server.set(at, StrategicMergePatch.mergeObject(existing, element, items));
            } else {
                JsonNode added = Nodes.clean(element);
                if (server.size() < backing.length) {
                    backing[server.size()] = added;
                }
                server.add(added);
            }
        }
        return new Merged(order(server, new ArrayList<>(regular), serverOrder, mergeKey), Arrays.asList(backing));
    }

    /** Removes every element whose merge key is {@code key} from the first {@code live} slots, shifting left. */
    private static int deleteAll(JsonNode[] backing, int live, JsonNode key, String mergeKey) {
        int n = live;
        for (int k = 0; k < n; ) {
            if (Nodes.same(Nodes.keyOf(backing[k], mergeKey), key)) {
                System.arraycopy(backing, k + 1, backing, k, n - k - 1);
                n--;
            } else {
                k++;
            }
        }
        return n;
    }

    private static ArrayNode mergePrimitives(ArrayNode original, ArrayNode patch) {
        List<JsonNode> both = new ArrayList<>();
        for (JsonNode value : original) {
            addIfAbsent(both, value);
        }
        for (JsonNode value : patch) {
            addIfAbsent(both, value.deepCopy());
        }
        return order(both, elements(patch), elements(original), null);
    }

    private static void addIfAbsent(List<JsonNode> values, JsonNode value) {
        if (indexOf(values, value, null) < 0) {
            values.add(value);
        }
    }

    /**
     * Puts {@code merged} in Kubernetes' order: the elements the patch names come in the patch's order, the others
     * in the server's order, and the two runs are interleaved so that a server-only element stays before a patch
     * element it preceded on the server.
     */
    static ArrayNode order(List<JsonNode> merged, List<JsonNode> patchOrder, List<JsonNode> serverOrder,
                           String mergeKey) {
        List<JsonNode> patchItems = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode element : merged) {
            JsonNode identity = identity(element, mergeKey);
            if (mergeKey != null && identity == null) {
                throw PatchErrors.noMergeKey(element, mergeKey);
            }
            (indexOf(patchOrder, identity, mergeKey) >= 0 ? patchItems : serverOnly).add(element);
        }
        sortBy(patchItems, patchOrder, mergeKey);
        sortBy(serverOnly, serverOrder, mergeKey);
        ArrayNode out = Nodes.FACTORY.arrayNode(merged.size());
        int i = 0;
        int j = 0;
        while (i < serverOnly.size() || j < patchItems.size()) {
            if (i >= serverOnly.size()) {
                out.add(patchItems.get(j++));
            } else if (j >= patchItems.size()) {
                out.add(serverOnly.get(i++));
            } else {
                int left = indexOf(serverOrder, identity(serverOnly.get(i), mergeKey), mergeKey);
                int right = indexOf(serverOrder, identity(patchItems.get(j), mergeKey), mergeKey);
                out.add(left >= 0 && right >= 0 && left < right ? serverOnly.get(i++) : patchItems.get(j++));
            }
        }
        return out;
    }

    /** Stable sort by first position in {@code order}; elements not in it keep their place after those that are. */
    private static void sortBy(List<JsonNode> items, List<JsonNode> order, String mergeKey) {
        items.sort(Comparator.comparingInt(item -> {
            int at = indexOf(order, identity(item, mergeKey), mergeKey);
            return at < 0 ? Integer.MAX_VALUE : at;
        }));
    }

    /** What identifies an element: its merge key's value, or the element itself for primitives. */
    static JsonNode identity(JsonNode element, String mergeKey) {
        return mergeKey == null ? element : Nodes.keyOf(element, mergeKey);
    }

    /** The first position in {@code list} whose identity is {@code identity}, or -1. */
    static int indexOf(List<JsonNode> list, JsonNode identity, String mergeKey) {
        if (identity == null) {
            return -1;
        }
        for (int i = 0; i < list.size(); i++) {
            if (Nodes.same(identity(list.get(i), mergeKey), identity)) {
                return i;
            }
        }
        return -1;
    }

    static List<JsonNode> elements(ArrayNode array) {
        List<JsonNode> list = new ArrayList<>(array.size());
        array.forEach(list::add);
        return list;
    }

    /**
     * The one kind shared by every element of the lists, as Kubernetes' {@code sliceElementType} demands: a list
     * of lists is refused (422), mixed kinds are a plain error (500). Null when every list is empty.
     */
    static Nodes.Kind elementKind(ArrayNode... lists) {
        Nodes.Kind kind = null;
        for (ArrayNode list : lists) {
            for (JsonNode element : list) {
                Nodes.Kind current = Nodes.kind(element);
                if (kind == null) {
                    if (current == Nodes.Kind.ARRAY) {
                        throw PatchErrors.noListOfLists();
                    }
                    kind = current;
                } else if (current != kind) {
                    throw PatchErrors.listTypesDiffer(Arrays.asList(lists));
                }
            }
        }
        return kind;
    }
}
