package io.berth.bench;

/**
 * One figure of the performance table (ARCHITECTURE.md, "Tests"). {@code baseline} is a reference measured in the
 * same run or {@code -}; {@code goal} is the target or {@code -}; {@code met} is {@code yes}, {@code no}, or
 * {@code -} for a figure that has no goal of its own (a baseline, a p50 next to a p99 goal).
 */
record Row(String benchmark, String figure, String value, String unit, String baseline, String ratio, String goal,
           String met) {

    static final String NONE = "-";

    /** A figure with no goal of its own. */
    static Row info(String benchmark, String figure, String value, String unit) {
        return new Row(benchmark, figure, value, unit, NONE, NONE, NONE, NONE);
    }

    /** A figure checked against a goal. */
    static Row goal(String benchmark, String figure, String value, String unit, String goal, boolean met) {
        return new Row(benchmark, figure, value, unit, NONE, NONE, goal, met ? "yes" : "no");
    }

    /** The row of a benchmark that could not run (or could not measure this figure): the reason is the value. */
    static Row failed(String benchmark, String figure, String reason, String unit, String goal) {
        return new Row(benchmark, figure, reason, unit, NONE, NONE, goal, "no");
    }
}
