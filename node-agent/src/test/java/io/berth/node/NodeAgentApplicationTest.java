package io.berth.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeAgentApplicationTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(NodeAgentApplication.LAUNCH_MECHANISM);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(NodeAgentApplication.LAUNCH_MECHANISM);
        } else {
            System.setProperty(NodeAgentApplication.LAUNCH_MECHANISM, before);
        }
    }

    @Test
    void commandsAreStartedWithVforkUnlessTheCommandLineSaysOtherwise() {
        System.clearProperty(NodeAgentApplication.LAUNCH_MECHANISM);
        NodeAgentApplication.preferVfork();
        assertThat(System.getProperty(NodeAgentApplication.LAUNCH_MECHANISM)).isEqualTo("VFORK");

        System.setProperty(NodeAgentApplication.LAUNCH_MECHANISM, "POSIX_SPAWN");
        NodeAgentApplication.preferVfork();
        assertThat(System.getProperty(NodeAgentApplication.LAUNCH_MECHANISM)).isEqualTo("POSIX_SPAWN");
    }
}
