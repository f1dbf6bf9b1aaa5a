package io.berth.node.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Runc}'s handling of runc's answers, against a stand-in runc script that answers as runc 1.1 does. */
class RuncTest {

    @TempDir
    Path dir;

    /** A runc that fails {@code list} the first {@code failures} times with {@code error}, then lists one container. */
    private Runc runc(int failures, String error) throws IOException {
        Path script = dir.resolve("runc");
        Files.writeString(script, """
                #!/bin/sh
                count=$(cat "%1$s/calls" 2>/dev/null || echo 0)
                echo $((count + 1)) > "%1$s/calls"
                if [ "$count" -lt %2$d ]; then
                  echo 'time="2026-11-28T05:00:00Z" level=fatal msg="%3$s"' >&2
                  exit 1
                fi
                echo '[{"id":"c1","status":"running","pid":42}]'
                """.formatted(dir, failures, error));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return new Runc(script, dir.resolve("root"));
    }

    private int calls() throws IOException {
        return Integer.parseInt(Files.readString(dir.resolve("calls")).strip());
    }

    @Test
    void aContainerDeletedWhileRuncListsIsAskedAgain() throws IOException {
        Runc runc = runc(2, "stat /run/berth/root/c2: no such file or directory");

        assertThat(runc.list()).extracting(n -> n.path("id").asString()).containsExactly("c1");
        assertThat(calls()).isEqualTo(3);
    }

    @Test
    void otherListFailuresAreNotRetried() throws IOException {
        Runc runc = runc(1, "permission denied");

        assertThatThrownBy(runc::list).isInstanceOf(RuntimeFailure.class).hasMessageContaining("permission denied");
        assertThat(calls()).isEqualTo(1);
    }

    @Test
    void aListThatKeepsFailingFailsAfterFiveAttempts() throws IOException {
        Runc runc = runc(10, "stat /run/berth/root/c2: no such file or directory");

        assertThatThrownBy(runc::list).isInstanceOf(RuntimeFailure.class).hasMessageContaining("no such file");
        assertThat(calls()).isEqualTo(5);
    }
}
