package io.berth.bench;

import java.util.List;
import java.util.Locale;

/** The Markdown table that {@code bin/berth bench} prints, and the number formats of its cells. */
final class Table {

    static final String HEADER = "| benchmark | figure | value | unit | baseline | ratio | goal | met |";
    static final String RULE = "|---|---|---|---|---|---|---|---|";

    private Table() {
    }

    static String render(List<Row> rows) {
        StringBuilder out = new StringBuilder(HEADER).append('\n').append(RULE).append('\n');
        for (Row r : rows) {
            out.append('|');
            for (String cell : List.of(r.benchmark(), r.figure(), r.value(), r.unit(), r.baseline(), r.ratio(),
                    r.goal(), r.met())) {
                out.append(' ').append(cell(cell)).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A cell on one line that cannot end the cell early: reasons are exception messages, which may hold both. */
    static String cell(String text) {
        if (text == null || text.isBlank()) {
            return Row.NONE;
        }
        return text.strip().replaceAll("\\s*\\R\\s*", " ").replace("|", "\\|");
    }

    /** Three significant figures or so, without a grouping separator: 10900, 812, 45.3, 1.27, 0.042. */
    static String number(double value) {
        double abs = Math.abs(value);
        if (abs >= 100 || value == 0) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (abs >= 0.1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    /** Milliseconds from nanoseconds, or {@code lost} for {@link Latencies#LOST}. */
    static String millis(long nanos) {
        return nanos == Latencies.LOST ? "lost" : number(nanos / 1e6);
    }
}
