package io.berth.scheduler.queue;

import io.berth.scheduler.Pods;
import io.berth.scheduler.framework.PodInfo;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NominatorTest {

    final Nominator nominator = new Nominator();

    static Pod nominated(String name, String node) {
        return new PodBuilder(Pods.pending(name, "1", "1Mi", 10)).withNewStatus().withNominatedNodeName(node)
                .endStatus().build();
    }

    @Test
    void aPodsStatusNominatesItAndAMoveOrRemovalFollows() {
        nominator.seen(nominated("p", "n1"));
        assertThat(nominator.on("n1")).extracting(PodInfo::uid).containsExactly("p");

        nominator.seen(nominated("p", "n2"));
        assertThat(nominator.on("n1")).isEmpty();
        assertThat(nominator.on("n2")).extracting(PodInfo::uid).containsExactly("p");

        nominator.remove("p");
        assertThat(nominator.on("n2")).isEmpty();
        assertThat(nominator.isEmpty()).isTrue();
    }

    @Test
    void aNominationMadeHereSurvivesAnUpdateThatDoesNotShowItYet() {
        nominator.nominate(Pods.pending("p", "1", "1Mi", 10), "n1");
        nominator.seen(Pods.pending("p", "1", "1Mi", 10));
        assertThat(nominator.on("n1")).extracting(PodInfo::uid).containsExactly("p");

        // once reported, a later status without it ends it
        nominator.seen(nominated("p", "n1"));
        nominator.seen(Pods.pending("p", "1", "1Mi", 10));
        assertThat(nominator.on("n1")).isEmpty();
    }

    @Test
    void aPendingPodWithoutANominationIsNotHeld() {
        nominator.seen(Pods.pending("p", "1", "1Mi", 10));
        assertThat(nominator.isEmpty()).isTrue();
    }
}
