package io.berth.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Figures of processes read from {@code /proc}, for what {@link ProcessHandle} does not tell: resident memory, the
 * CPU of a process's reaped children (the node agent's {@code ip}, {@code runc}, {@code mount} commands), and
 * processes that are not this JVM's children (conmon daemonizes). Linux only; a process that is gone or unreadable
 * reads as 0 or is left out.
 */
final class Procs {

    /** Linux reports {@code /proc/<pid>/stat} times in USER_HZ ticks, 100 a second on every common configuration. */
    static final double TICKS_PER_SECOND = 100;

    private static final Path PROC = Path.of("/proc");

    /** CPU ticks of a process: its own (user + system) and its reaped children's (cutime + cstime). */
    record Cpu(long ownTicks, long childrenTicks) {

        static final Cpu NONE = new Cpu(0, 0);

        Cpu minus(Cpu before) {
            return new Cpu(ownTicks - before.ownTicks, childrenTicks - before.childrenTicks);
        }

        double ownSeconds() {
            return ownTicks / TICKS_PER_SECOND;
        }

        double childrenSeconds() {
            return childrenTicks / TICKS_PER_SECOND;
        }
    }

    private Procs() {
    }

    /** {@code VmRSS} of a process in kB; 0 when it is gone or unreadable. */
    static long rssKb(long pid) {
        return pid <= 0 ? 0 : rssKb(read(PROC.resolve(Long.toString(pid)).resolve("status")));
    }

    /** {@code VmRSS} from the text of {@code /proc/<pid>/status} in kB; 0 when absent (a kernel thread, a zombie). */
    static long rssKb(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String digits = line.replaceAll("[^0-9]", "");
                return digits.isEmpty() ? 0 : Long.parseLong(digits);
            }
        }
        return 0;
    }

    /** The CPU a process has used so far; {@link Cpu#NONE} when it is gone. */
    static Cpu cpu(long pid) {
        return pid <= 0 ? Cpu.NONE : cpu(read(PROC.resolve(Long.toString(pid)).resolve("stat")));
    }

    /**
     * The CPU fields of {@code /proc/<pid>/stat}: utime, stime, cutime and cstime are fields 14 to 17, counted after
     * the command name, which is in parentheses and may itself hold spaces and parentheses.
     */
    static Cpu cpu(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return Cpu.NONE;
        }
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        if (f.length < 15) {
            return Cpu.NONE;
        }
        // f[0] is field 3 (the state)
        return new Cpu(Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14]));
    }

    /** The pids of the processes named {@code comm} whose command line passes {@code commandLine}. */
    static List<Long> find(String comm, Predicate<String> commandLine) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> all = Files.list(PROC)) {
            for (Path dir : all.toList()) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                if (read(dir.resolve("comm")).strip().equals(comm)
                        && commandLine.test(read(dir.resolve("cmdline")).replace('\0', ' '))) {
                    pids.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            return pids;
        }
        return pids;
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
