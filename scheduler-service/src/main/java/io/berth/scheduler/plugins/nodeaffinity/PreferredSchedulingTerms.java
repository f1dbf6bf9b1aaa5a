package io.berth.scheduler.plugins.nodeaffinity;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a pod would rather run, parsed once per pod, as Kubernetes' {@code nodeaffinity.PreferredSchedulingTerms}:
 * terms with a weight; a node scores the sum of the weights of the terms it matches. Terms of weight 0 and empty terms
 * are left out. Immutable.
 */
public final class PreferredSchedulingTerms {

    private final SelectorTerm[] terms;
    private final long[] weights;
    private final List<String> errors;

    private PreferredSchedulingTerms(SelectorTerm[] terms, long[] weights, List<String> errors) {
        this.terms = terms;
        this.weights = weights;
        this.errors = errors;
    }

    /** Parses {@code terms} (null: none); the ones that do not parse are left out and listed in {@link #errors()}. */
    public static PreferredSchedulingTerms of(List<PreferredSchedulingTerm> terms) {
        List<SelectorTerm> parsed = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        List<String> errors = new ArrayList<>(0);
        if (terms != null) {
            for (PreferredSchedulingTerm t : terms) {
                int weight = t.getWeight() == null ? 0 : t.getWeight();
                if (weight == 0 || SelectorTerm.isEmpty(t.getPreference())) {
                    continue;
                }
                SelectorTerm term = SelectorTerm.parse(t.getPreference());
                if (term.parseError() != null) {
                    errors.add(term.parseError());
                } else {
                    parsed.add(term);
                    weights.add((long) weight);
                }
            }
        }
        long[] w = new long[weights.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights.get(i);
        }
        return new PreferredSchedulingTerms(parsed.toArray(new SelectorTerm[0]), w, List.copyOf(errors));
    }

    /** Why some terms did not parse; empty when all did. */
    public List<String> errors() {
        return errors;
    }

    /** The sum of the weights of the terms the node matches. */
    public long score(Node node) {
        long score = 0;
        Map<String, String> labels = node.getMetadata().getLabels();
        String name = node.getMetadata().getName();
        for (int i = 0; i < terms.length; i++) {
            if (terms[i].matches(labels, name)) {
                score += weights[i];
            }
        }
        return score;
    }
}
