package io.berth.node.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CriLogReaderTest {

    @TempDir
    Path dir;

    /** Lines at 10:00:01, :02, :03 ... (one second apart), the third one written in two partial entries. */
    static final String LOG = """
            2024-05-06T10:00:01.000000000Z stdout F one
            2024-05-06T10:00:02.500000000Z stderr F two
            2024-05-06T10:00:03.000000000Z stdout P thr
            2024-05-06T10:00:03.100000000Z stdout F ee
            2024-05-06T12:00:04.000000001+02:00 stdout F four
            """;

    record Case(String name, String log, Long tail, Instant since, boolean timestamps, Long limit, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("everything, partial entries joined", LOG, null, null, false, null,
                        "one\ntwo\nthree\nfour\n"),
                new Case("timestamps in UTC with nanoseconds, the line's first entry's", LOG, null, null, true, null,
                        "2024-05-06T10:00:01Z one\n2024-05-06T10:00:02.5Z two\n2024-05-06T10:00:03Z three\n"
                                + "2024-05-06T10:00:04.000000001Z four\n"),
                new Case("tail 1", LOG, 1L, null, false, null, "four\n"),
                new Case("tail 2 counts a partial line as one", LOG, 2L, null, false, null, "three\nfour\n"),
                new Case("tail 3", LOG, 3L, null, false, null, "two\nthree\nfour\n"),
                new Case("tail more than there is", LOG, 10L, null, false, null, "one\ntwo\nthree\nfour\n"),
                new Case("tail 0", LOG, 0L, null, false, null, ""),
                new Case("since drops older lines", LOG, null, Instant.parse("2024-05-06T10:00:02.5Z"), false, null,
                        "two\nthree\nfour\n"),
                new Case("since judges a joined line by its first entry", LOG, null,
                        Instant.parse("2024-05-06T10:00:03.05Z"), false, null, "four\n"),
                new Case("tail then since", LOG, 3L, Instant.parse("2024-05-06T10:00:03Z"), false, null,
                        "three\nfour\n"),
                new Case("limit bytes cuts the output", LOG, null, null, false, 6L, "one\ntw"),
                new Case("limit bytes counts the timestamps", LOG, null, null, true, 24L,
                        "2024-05-06T10:00:01Z one"),
                new Case("lines that are not CRI are skipped", "garbage\n" + LOG.lines().findFirst().get()
                        + "\nnot-a-time stdout F x\n", null, null, false, null, "one\n"),
                new Case("an empty text is an empty line", "2024-05-06T10:00:01Z stdout F \n"
                        + "2024-05-06T10:00:01Z stdout F\n", null, null, false, null, "\n\n"),
                new Case("partial entries at the end are a line still being written", LOG
                        + "2024-05-06T10:00:05Z stdout P fi\n", 1L, null, false, null, "fi"),
                new Case("an entry without its line end is read at the end", LOG
                        + "2024-05-06T10:00:05Z stdout F five", 2L, null, false, null, "four\nfive\n"),
                new Case("a partial tag with more tags", "2024-05-06T10:00:05Z stdout P:x a\n"
                        + "2024-05-06T10:00:05Z stdout F:x b\n", null, null, false, null, "ab\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readsWhatKubectlLogsShows(Case c) throws IOException {
        Path file = Files.writeString(dir.resolve("0.log"), c.log());

        try (CriLogReader reader = new CriLogReader(file, c.tail(), c.since(), c.timestamps(), c.limit())) {
            assertThat(readAll(reader) + new String(reader.finish(), StandardCharsets.UTF_8)).isEqualTo(c.expected());
        }
    }

    @Test
    void theTailOfAFileMuchLargerThanABlockIsFoundFromTheEnd() throws IOException {
        Path file = dir.resolve("big.log");
        try (Writer w = Files.newBufferedWriter(file)) {
            for (int i = 0; i < 100_000; i++) {
                w.write("2024-05-06T10:00:00.000000000Z stdout F line " + i + "\n");
            }
        }
        assertThat(Files.size(file)).isGreaterThan(40L * CriLogReader.BLOCK);

        try (CriLogReader reader = new CriLogReader(file, 3L, null, false, null)) {
            assertThat(readAll(reader)).isEqualTo("line 99997\nline 99998\nline 99999\n");
        }
    }

    @Test
    void aLongLineIsReadAcrossBlocks() throws IOException {
        String text = "x".repeat(3 * CriLogReader.BLOCK + 17);
        Path file = Files.writeString(dir.resolve("long.log"), "2024-05-06T10:00:00Z stdout F " + text + "\n");

        try (CriLogReader reader = new CriLogReader(file, 1L, null, false, null)) {
            assertThat(readAll(reader)).isEqualTo(text + "\n");
        }
    }

    @Test
    void appendedLinesAreReadOnceTheirLineEndIsWritten() throws IOException {
        Path file = Files.writeString(dir.resolve("grow.log"), "2024-05-06T10:00:01Z stdout F one\n");
        try (CriLogReader reader = new CriLogReader(file, null, null, false, null)) {
            assertThat(readAll(reader)).isEqualTo("one\n");
            assertThat(reader.next()).isNull();

            append(file, "2024-05-06T10:00:02Z stdout F tw");
            assertThat(readAll(reader)).isEmpty();
            append(file, "o\n2024-05-06T10:00:03Z stdout P thr");
            assertThat(readAll(reader)).isEqualTo("two\n");
            append(file, "\n2024-05-06T10:00:03Z stdout F ee\n");
            assertThat(readAll(reader)).isEqualTo("three\n");
        }
    }

    @Test
    void aFollowedLogContinuesInTheNewFileAfterRotation() throws IOException {
        Path file = Files.writeString(dir.resolve("rotating.log"), "2024-05-06T10:00:01Z stdout F one\n");
        try (CriLogReader reader = new CriLogReader(file, null, null, false, null)) {
            assertThat(readAll(reader)).isEqualTo("one\n");

            // written to the old file after the rename, before the writer reopened: still read
            Files.move(file, dir.resolve("rotating.log.20240506-100002"));
            append(dir.resolve("rotating.log.20240506-100002"), "2024-05-06T10:00:02Z stdout F two\n");
            assertThat(readAll(reader)).isEqualTo("two\n");
            assertThat(reader.next()).isNull();

            Files.writeString(file, "2024-05-06T10:00:03Z stdout F three\n");
            assertThat(readAll(reader)).isEqualTo("three\n");
            append(file, "2024-05-06T10:00:04Z stdout F four\n");
            assertThat(readAll(reader)).isEqualTo("four\n");
        }
    }

    @Test
    void aMissingFileReadsAsEmptyUntilItAppears() throws IOException {
        Path file = dir.resolve("later.log");
        try (CriLogReader reader = new CriLogReader(file, 5L, null, false, null)) {
            assertThat(reader.next()).isNull();

            Files.writeString(file, "2024-05-06T10:00:01Z stdout F one\n");
            assertThat(readAll(reader)).isEqualTo("one\n");
        }
    }

    @Test
    void aTruncatedFileIsReadAgainFromItsStart() throws IOException {
        Path file = Files.writeString(dir.resolve("rotated.log"), LOG);
        try (CriLogReader reader = new CriLogReader(file, null, null, false, null)) {
            readAll(reader);

            Files.writeString(file, "2024-05-06T10:00:09Z stdout F new\n", StandardOpenOption.TRUNCATE_EXISTING);
            assertThat(readAll(reader)).isEqualTo("new\n");
        }
    }

    @Test
    void nothingIsReturnedOnceTheLimitIsReached() throws IOException {
        Path file = Files.writeString(dir.resolve("limit.log"), LOG);
        try (CriLogReader reader = new CriLogReader(file, null, null, false, 4L)) {
            assertThat(readAll(reader)).isEqualTo("one\n");
            assertThat(reader.limitReached()).isTrue();

            append(file, "2024-05-06T10:00:09Z stdout F more\n");
            assertThat(reader.next()).isNull();
            assertThat(reader.finish()).isEmpty();
        }
    }

    @Test
    void timestampsAreGoRfc3339NanoInUtc() {
        assertThat(CriLine.rfc3339Nano(Instant.parse("2024-05-06T07:08:09Z"))).isEqualTo("2024-05-06T07:08:09Z");
        assertThat(CriLine.rfc3339Nano(Instant.parse("2024-05-06T07:08:09.120Z")))
                .isEqualTo("2024-05-06T07:08:09.12Z");
        assertThat(CriLine.rfc3339Nano(Instant.parse("2024-05-06T07:08:09.000000123Z")))
                .isEqualTo("2024-05-06T07:08:09.000000123Z");
    }

    /** What the reader returns until it reports the end of what the file holds now. */
    private static String readAll(CriLogReader reader) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] chunk = reader.next(); chunk != null; chunk = reader.next()) {
            out.write(chunk);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.APPEND);
    }
}
