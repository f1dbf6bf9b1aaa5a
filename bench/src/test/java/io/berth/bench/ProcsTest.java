package io.berth.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ProcsTest {

    record StatusCase(String status, long rssKb) {
    }

    static Stream<StatusCase> statuses() {
        return Stream.of(
                new StatusCase("Name:\tjava\nVmPeak:\t 4000000 kB\nVmRSS:\t  231456 kB\nRssAnon:\t 200000 kB\n", 231456),
                new StatusCase("Name:\tkthreadd\nState:\tS (sleeping)\n", 0),
                new StatusCase("", 0));
    }

    @ParameterizedTest
    @MethodSource("statuses")
    void residentMemoryIsTheVmRssLineInKilobytesAndZeroWithoutOne(StatusCase c) {
        assertThat(Procs.rssKb(c.status())).isEqualTo(c.rssKb());
    }

    @Test
    void cpuFieldsAreCountedAfterACommandNameThatHoldsSpacesAndParentheses() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 200 0 0 1234 566 70 30 20 0 40 0";
        Procs.Cpu cpu = Procs.cpu(stat);
        assertThat(cpu.ownTicks()).isEqualTo(1800);
        assertThat(cpu.childrenTicks()).isEqualTo(100);
        assertThat(cpu.minus(new Procs.Cpu(800, 50)).ownSeconds()).isEqualTo(10.0);
        assertThat(cpu.minus(new Procs.Cpu(800, 50)).childrenSeconds()).isEqualTo(0.5);
    }

    @Test
    void anUnreadableStatHasNoCpu() {
        assertThat(Procs.cpu("")).isEqualTo(Procs.Cpu.NONE);
        assertThat(Procs.cpu("1 (x) S 1")).isEqualTo(Procs.Cpu.NONE);
    }
}
