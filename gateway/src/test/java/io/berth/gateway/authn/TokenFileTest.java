package io.berth.gateway.authn;

import io.berth.apimachinery.auth.UserInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TokenFileTest {

    record Line(String description, String csv, String token, String user, List<String> groups) {
        @Override
        public String toString() {
            return description;
        }
    }

    static List<Line> lines() {
        return List.of(
                new Line("a token with quoted groups", "t1,admin,uid-1,\"system:masters,ops\"", "t1", "admin",
                        List.of("system:masters", "ops", "system:authenticated")),
                new Line("a token without groups", "t2,alice,uid-2", "t2", "alice", List.of("system:authenticated")),
                new Line("a token with one unquoted group", "t3,bob,uid-3,devs", "t3", "bob",
                        List.of("devs", "system:authenticated")),
                new Line("spaces around fields are trimmed", " t4 , carol , uid-4 , \"a, b\" ", "t4", "carol",
                        List.of("a", "b", "system:authenticated")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void parsesKubernetesTokenCsv(Line line) {
        var users = TokenFile.parse(List.of("# comment", "", line.csv()));

        UserInfo user = users.get(TokenFile.digest(line.token()));
        assertThat(user).isNotNull();
        assertThat(user.name()).isEqualTo(line.user());
        assertThat(user.groups()).containsExactlyElementsOf(line.groups());
    }

    @Test
    void malformedLinesAreSkippedAndTheRestLoads() {
        var users = TokenFile.parse(List.of("only-a-token", ",nouser,uid", "good,dave,uid-5"));

        assertThat(users).hasSize(1);
        assertThat(users.get(TokenFile.digest("good")).name()).isEqualTo("dave");
    }

    @Test
    void tokensAreKeptOnlyAsDigests() {
        var users = TokenFile.parse(List.of("plain-secret,admin,uid"));

        assertThat(users.keySet()).noneMatch(k -> k.contains("plain-secret"));
    }

    @Test
    void aChangedFileIsRereadAndARemovedTokenIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "old,alice,uid-1,\"system:masters\"\n");
        MutableClock clock = new MutableClock();
        TokenFile tokens = new TokenFile(file, clock, Duration.ofSeconds(1));
        assertThat(tokens.authenticate("old")).map(UserInfo::name).contains("alice");

        Files.writeString(file, "new,bob,uid-2,\"system:masters\"\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        clock.advance(Duration.ofSeconds(2));

        assertThat(tokens.authenticate("old")).isEmpty();
        assertThat(tokens.authenticate("new")).map(UserInfo::name).contains("bob");
    }

    @Test
    void aMissingFileAcceptsNoToken(@TempDir Path dir) {
        TokenFile tokens = new TokenFile(dir.resolve("absent.csv"), Clock.systemUTC(), Duration.ofSeconds(1));

        assertThat(tokens.authenticate("anything")).isEqualTo(Optional.empty());
        assertThat(tokens.authenticate("")).isEmpty();
        assertThat(tokens.authenticate(null)).isEmpty();
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
