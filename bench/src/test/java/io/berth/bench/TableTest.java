package io.berth.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TableTest {

    @Test
    void printsTheHeaderTheRuleAndOneLinePerRow() {
        String table = Table.render(List.of(
                new Row("pod-create", "gateway creates/s", "812", "creates/s", "10900", "0.07", "ratio >= 0.5", "no"),
                Row.info("pod-create", "create latency p50", "41.2", "ms")));
        assertThat(table).isEqualTo("""
                | benchmark | figure | value | unit | baseline | ratio | goal | met |
                |---|---|---|---|---|---|---|---|
                | pod-create | gateway creates/s | 812 | creates/s | 10900 | 0.07 | ratio >= 0.5 | no |
                | pod-create | create latency p50 | 41.2 | ms | - | - | - | - |
                """);
    }

    @Test
    void aFailureReasonStaysInsideItsCell() {
        Row row = Row.failed("watch-fanout", "p99", "HTTP 500 | boom\nat line 2", "ms", "p99 <= 50 ms");
        assertThat(Table.render(List.of(row)).lines().skip(2).findFirst().orElseThrow())
                .isEqualTo("| watch-fanout | p99 | HTTP 500 \\| boom at line 2 | ms | - | - | p99 <= 50 ms | no |");
    }

    @Test
    void anEmptyCellReadsAsADash() {
        assertThat(Table.cell("  ")).isEqualTo("-");
        assertThat(Table.cell(null)).isEqualTo("-");
    }

    @ParameterizedTest
    @CsvSource({
            "10912.4, 10912",
            "812.6, 813",
            "45.26, 45.3",
            "1.274, 1.27",
            "0.0421, 0.042",
            "0, 0"
    })
    void numbersKeepAboutThreeSignificantFigures(double value, String expected) {
        assertThat(Table.number(value)).isEqualTo(expected);
    }
}
