package io.berth.node.pods;

import io.berth.node.images.Image;
import io.berth.node.runtime.ContainerPlan;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.berth.node.pods.Fixtures.IMAGE;
import static io.berth.node.pods.Fixtures.container;
import static io.berth.node.pods.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** securityContext: users and groups, runAsNonRoot, capabilities, no_new_privs, seccomp, read-only root. */
class ContainerSecurityTest {

    static final PodSecurityContext NO_POD_SC = null;
    static final SecurityContext NO_SC = null;
    static final String WHERE = "(pod: \"web-0_shop(uid-1)\", container: app)";

    @TempDir
    static Path root;

    /** The image's /etc/passwd and /etc/group, read through the real file reader. */
    static UserLookup users() {
        try {
            Files.createDirectories(root.resolve("etc"));
            Files.writeString(root.resolve("etc/passwd"), """
                    root:x:0:0:root:/root:/bin/sh
                    app:x:1000:1000::/home/app:/bin/sh
                    # a comment, and a malformed line
                    broken
                    other:x:1001:1001::/:/bin/sh
                    """);
            Files.writeString(root.resolve("etc/group"), """
                    root:x:0:
                    app:x:1000:
                    audio:x:29:app
                    video:x:44:other,app
                    """);
            return UserLookup.fromRoot(root);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ContainerPlan plan(PodSecurityContext podSc, SecurityContext sc, String imageUser) {
        Image image = new Image(IMAGE.reference(), IMAGE.id(), IMAGE.entrypoint(), IMAGE.cmd(), IMAGE.env(), "", imageUser);
        return Fixtures.plan(pod(container().withSecurityContext(sc).build()).editSpec().withSecurityContext(podSc)
                .endSpec().build(), image, users());
    }

    record UserCase(String name, PodSecurityContext podSc, SecurityContext sc, String imageUser, long uid, long gid,
                    List<Long> groups) {
    }

    static Stream<UserCase> usersAndGroups() {
        return Stream.of(
                new UserCase("no user anywhere is root", NO_POD_SC, NO_SC, "", 0, 0, List.of(0L)),
                new UserCase("numeric image user; group and supplementary groups from the image", NO_POD_SC, NO_SC,
                        "1000", 1000, 1000, List.of(1000L, 29L, 44L)),
                new UserCase("an image user's gid is not used, as in Kubernetes", NO_POD_SC, NO_SC, "1000:2000", 1000,
                        1000, List.of(1000L, 29L, 44L)),
                new UserCase("image user by name", NO_POD_SC, NO_SC, "app", 1000, 1000, List.of(1000L, 29L, 44L)),
                new UserCase("a uid the image does not know has group 0", NO_POD_SC, NO_SC, "4242", 4242, 0, List.of(0L)),
                new UserCase("pod runAsUser over the image", podSc().withRunAsUser(1001L).build(), NO_SC, "1000", 1001,
                        1001, List.of(1001L, 44L)),
                new UserCase("container runAsUser over the pod's", podSc().withRunAsUser(1001L).build(),
                        sc().withRunAsUser(2000L).build(), "", 2000, 0, List.of(0L)),
                new UserCase("runAsGroup with the image's user", NO_POD_SC, sc().withRunAsGroup(3000L).build(), "app",
                        1000, 3000, List.of(3000L, 29L, 44L)),
                new UserCase("fsGroup then supplementalGroups, each once",
                        podSc().withRunAsUser(5000L).withRunAsGroup(5000L).withFsGroup(500L)
                                .withSupplementalGroups(600L, 500L, 700L).build(),
                        NO_SC, "", 5000, 5000, List.of(5000L, 500L, 600L, 700L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void usersAndGroups(UserCase c) {
        ContainerPlan plan = plan(c.podSc(), c.sc(), c.imageUser());

        assertThat(plan.uid()).isEqualTo(c.uid());
        assertThat(plan.gid()).isEqualTo(c.gid());
        assertThat(plan.supplementalGroups()).containsExactlyElementsOf(c.groups());
    }

    record NonRootCase(String name, PodSecurityContext podSc, SecurityContext sc, String imageUser, String failure) {
    }

    static Stream<NonRootCase> runAsNonRoot() {
        PodSecurityContext nonRoot = podSc().withRunAsNonRoot(true).build();
        return Stream.of(
                new NonRootCase("image without user", nonRoot, NO_SC, "",
                        "container has runAsNonRoot and image will run as root " + WHERE),
                new NonRootCase("image user 0", nonRoot, NO_SC, "0:0",
                        "container has runAsNonRoot and image will run as root " + WHERE),
                new NonRootCase("numeric non-root image user", nonRoot, NO_SC, "1000", null),
                new NonRootCase("image user by name cannot be verified", nonRoot, NO_SC, "app",
                        "container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root "
                                + WHERE),
                new NonRootCase("runAsUser 0", nonRoot, sc().withRunAsUser(0L).build(), "1000",
                        "container's runAsUser breaks non-root policy " + WHERE),
                new NonRootCase("runAsUser non-zero over a root image", nonRoot, sc().withRunAsUser(1000L).build(), "",
                        null),
                new NonRootCase("the container turns it off", nonRoot, sc().withRunAsNonRoot(false).build(), "", null),
                new NonRootCase("the container turns it on", NO_POD_SC, sc().withRunAsNonRoot(true).build(), "",
                        "container has runAsNonRoot and image will run as root " + WHERE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void runAsNonRoot(NonRootCase c) {
        if (c.failure() == null) {
            assertThat(plan(c.podSc(), c.sc(), c.imageUser())).isNotNull();
        } else {
            assertThatThrownBy(() -> plan(c.podSc(), c.sc(), c.imageUser()))
                    .isInstanceOfSatisfying(ContainerPlanFailure.class,
                            f -> assertThat(f.reason()).isEqualTo("CreateContainerConfigError"))
                    .hasMessage(c.failure());
        }
    }

    record CapabilityCase(String name, List<String> add, List<String> drop, Boolean privileged, Set<String> expected) {
    }

    static Stream<CapabilityCase> capabilities() {
        Set<String> defaults = CapabilitySet.DEFAULT;
        return Stream.of(
                new CapabilityCase("the runtime default set", null, null, null, defaults),
                new CapabilityCase("add without prefix", List.of("NET_ADMIN"), null, null, plus(defaults, "CAP_NET_ADMIN")),
                new CapabilityCase("add with prefix, any case", List.of("cap_sys_time"), null, null,
                        plus(defaults, "CAP_SYS_TIME")),
                new CapabilityCase("drop ALL", null, List.of("ALL"), null, Set.of()),
                new CapabilityCase("drop ALL then add one", List.of("NET_BIND_SERVICE"), List.of("ALL"), null,
                        Set.of("CAP_NET_BIND_SERVICE")),
                new CapabilityCase("add ALL then drop one", List.of("ALL"), List.of("CHOWN"), null,
                        minus(Set.copyOf(CapabilitySet.ALL), "CAP_CHOWN")),
                new CapabilityCase("added and dropped by name: dropped", List.of("NET_ADMIN"), List.of("NET_ADMIN", "KILL"),
                        null, minus(defaults, "CAP_KILL")),
                new CapabilityCase("dropping an unknown name is harmless", null, List.of("NOT_A_CAP"), null, defaults),
                new CapabilityCase("privileged: every capability, add and drop ignored", null, List.of("ALL"), true,
                        Set.copyOf(CapabilitySet.ALL)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void capabilities(CapabilityCase c) {
        SecurityContext sc = sc().withPrivileged(c.privileged()).withNewCapabilities().withAdd(c.add()).withDrop(c.drop())
                .endCapabilities().build();

        assertThat(plan(NO_POD_SC, sc, "").capabilities()).containsExactlyInAnyOrderElementsOf(c.expected());
    }

    @Test
    void anUnknownCapabilityToAddIsACreateContainerError() {
        SecurityContext sc = sc().withNewCapabilities().withAdd("FLY").endCapabilities().build();

        assertThatThrownBy(() -> plan(NO_POD_SC, sc, ""))
                .isInstanceOfSatisfying(ContainerPlanFailure.class,
                        f -> assertThat(f.reason()).isEqualTo("CreateContainerError"))
                .hasMessage("unknown capability \"FLY\"");
    }

    record FlagCase(String name, PodSecurityContext podSc, SecurityContext sc, boolean noNewPrivileges,
                    boolean privileged, boolean seccomp, boolean readOnly) {
    }

    static Stream<FlagCase> flags() {
        return Stream.of(
                new FlagCase("nothing set", NO_POD_SC, NO_SC, false, false, false, false),
                new FlagCase("allowPrivilegeEscalation false", NO_POD_SC,
                        sc().withAllowPrivilegeEscalation(false).build(), true, false, false, false),
                new FlagCase("allowPrivilegeEscalation true", NO_POD_SC,
                        sc().withAllowPrivilegeEscalation(true).build(), false, false, false, false),
                new FlagCase("readOnlyRootFilesystem", NO_POD_SC, sc().withReadOnlyRootFilesystem(true).build(), false,
                        false, false, true),
                new FlagCase("pod seccomp RuntimeDefault", podSc().withSeccompProfile(seccomp("RuntimeDefault")).build(),
                        NO_SC, false, false, true, false),
                new FlagCase("container Unconfined over the pod's RuntimeDefault",
                        podSc().withSeccompProfile(seccomp("RuntimeDefault")).build(),
                        sc().withSeccompProfile(seccomp("Unconfined")).build(), false, false, false, false),
                new FlagCase("container RuntimeDefault", NO_POD_SC, sc().withSeccompProfile(seccomp("RuntimeDefault")).build(),
                        false, false, true, false),
                new FlagCase("privileged containers run without seccomp", NO_POD_SC,
                        sc().withPrivileged(true).withSeccompProfile(seccomp("RuntimeDefault")).build(), false, true, false,
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void flags(FlagCase c) {
        ContainerPlan plan = plan(c.podSc(), c.sc(), "");

        assertThat(plan.noNewPrivileges()).as("noNewPrivileges").isEqualTo(c.noNewPrivileges());
        assertThat(plan.privileged()).as("privileged").isEqualTo(c.privileged());
        assertThat(plan.seccompRuntimeDefault()).as("seccomp").isEqualTo(c.seccomp());
        assertThat(plan.readOnlyRootfs()).as("readOnlyRootfs").isEqualTo(c.readOnly());
    }

    @Test
    void localhostSeccompProfilesAreAConfigError() {
        SeccompProfile localhost = new SeccompProfile("profiles/audit.json", "Localhost");

        assertThatThrownBy(() -> plan(podSc().withSeccompProfile(localhost).build(), NO_SC, ""))
                .isInstanceOfSatisfying(ContainerPlanFailure.class,
                        f -> assertThat(f.reason()).isEqualTo("CreateContainerConfigError"))
                .hasMessage("Localhost seccomp profiles are not supported");
    }

    @Test
    void anImageUserNameMissingFromItsPasswdIsACreateContainerError() {
        assertThatThrownBy(() -> plan(NO_POD_SC, NO_SC, "ghost"))
                .isInstanceOfSatisfying(ContainerPlanFailure.class,
                        f -> assertThat(f.reason()).isEqualTo("CreateContainerError"))
                .hasMessage("unable to find user ghost: no matching entries in passwd file");
    }

    static PodSecurityContextBuilder podSc() {
        return new PodSecurityContextBuilder();
    }

    static SecurityContextBuilder sc() {
        return new SecurityContextBuilder();
    }

    static SeccompProfile seccomp(String type) {
        return new SeccompProfile(null, type);
    }

    static Set<String> plus(Set<String> set, String cap) {
        Set<String> out = new LinkedHashSet<>(set);
        out.add(cap);
        return out;
    }

    static Set<String> minus(Set<String> set, String cap) {
        Set<String> out = new LinkedHashSet<>(set);
        out.remove(cap);
        return out;
    }
}
