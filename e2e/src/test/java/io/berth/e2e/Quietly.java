package io.berth.e2e;

/** Closing what a test class started, in order, whatever fails: the rest still gets closed. */
final class Quietly {

    private Quietly() {
    }

    static void close(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort: the cluster outlives the test class and its processes are stopped at exit
            }
        }
    }
}
