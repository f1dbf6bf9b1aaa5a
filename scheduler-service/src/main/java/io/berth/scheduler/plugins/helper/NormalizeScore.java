package io.berth.scheduler.plugins.helper;

import java.util.Arrays;

/** The score normalizations plugins share, as Kubernetes' {@code plugins/helper/normalize_score.go}. */
public final class NormalizeScore {

    private NormalizeScore() {
    }

    /**
     * Kubernetes' {@code DefaultNormalizeScore}: scales raw scores from {@code [0, max(scores)]} onto
     * {@code [0, maxPriority]} in place, with integer division. When every score is zero they stay zero, or all become
     * {@code maxPriority} if {@code reverse} (nothing to tell the nodes apart, so none is penalized).
     *
     * @param reverse whether a higher raw score is worse ({@code maxPriority - scaled})
     * @param scores  non-negative raw scores, changed in place
     */
    public static void defaultNormalize(long maxPriority, boolean reverse, long[] scores) {
        long max = 0;
        for (long s : scores) {
            if (s > max) {
                max = s;
            }
        }
        if (max == 0) {
            if (reverse) {
                Arrays.fill(scores, maxPriority);
            }
            return;
        }
        for (int i = 0; i < scores.length; i++) {
            long scaled = maxPriority * scores[i] / max;
            scores[i] = reverse ? maxPriority - scaled : scaled;
        }
    }
}
