package io.berth.bench;

import java.util.List;

import io.berth.testkit.ClusterHarness;

/**
 * One benchmark of the table: measures against a running cluster, in namespaces of its own, within minutes, and
 * closes every client it opened before it returns.
 */
interface Benchmark {

    /** The name on the command line and in the table's first column. */
    String name();

    /** Runs the benchmark; every figure is a row, including figures it could not measure. */
    List<Row> run(ClusterHarness cluster) throws Exception;

    /** The benchmark's headline figure with {@code reason} as the value, for a run that failed before its rows. */
    Row failed(String reason);
}
