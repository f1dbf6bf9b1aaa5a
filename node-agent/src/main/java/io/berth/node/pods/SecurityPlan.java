package io.berth.node.pods;

import io.berth.node.images.Image;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The security half of a container plan: the container's {@code securityContext} over the pod's (runAsUser,
 * runAsGroup, runAsNonRoot, seccompProfile), the image's {@code User} when neither names one, the kubelet's
 * {@code verifyRunAsNonRoot}, and the runtime's capability, no_new_privs and seccomp rules.
 *
 * <p>User resolution follows the kubelet and containerd: the uid is {@code runAsUser}, else the image user (a number,
 * or a name looked up in the image's {@code /etc/passwd}; no user is root); the gid is {@code runAsGroup}, else the
 * user's primary group in {@code /etc/passwd}, else 0 (a {@code uid:gid} image user's gid is not used, as in
 * Kubernetes). Supplementary groups: the primary gid, the image groups listing the user, {@code fsGroup}, then
 * {@code supplementalGroups}.
 */
record SecurityPlan(long uid, long gid, List<Long> supplementalGroups, Set<String> capabilities,
                    boolean noNewPrivileges, boolean privileged, boolean seccompRuntimeDefault,
                    boolean readOnlyRootfs) {

    static SecurityPlan of(Pod pod, Container container, Image image, UserLookup users) {
        PodSecurityContext podSc = pod.getSpec().getSecurityContext();
        SecurityContext sc = container.getSecurityContext();
        Long runAsUser = effective(sc, podSc, SecurityContext::getRunAsUser, PodSecurityContext::getRunAsUser);
        Long runAsGroup = effective(sc, podSc, SecurityContext::getRunAsGroup, PodSecurityContext::getRunAsGroup);
        Boolean runAsNonRoot = effective(sc, podSc, SecurityContext::getRunAsNonRoot, PodSecurityContext::getRunAsNonRoot);
        SeccompProfile seccomp = effective(sc, podSc, SecurityContext::getSeccompProfile, PodSecurityContext::getSeccompProfile);

        String imageUser = Objects.toString(image.user(), "");
        String userPart = imageUser.contains(":") ? imageUser.substring(0, imageUser.indexOf(':')) : imageUser;
        Long imageUid = userPart.isEmpty() ? Long.valueOf(0) : parseId(userPart);
        String imageUserName = imageUid == null ? userPart : null;

        if (Boolean.TRUE.equals(runAsNonRoot)) {
            verifyNonRoot(pod, container, runAsUser, imageUid, imageUserName);
        }

        long uid;
        Optional<UserLookup.User> entry;
        if (runAsUser != null || imageUid != null) {
            uid = runAsUser != null ? runAsUser : imageUid;
            entry = users.user(uid);
        } else {
            entry = users.user(imageUserName);
            uid = entry.orElseThrow(() -> ContainerPlanFailure.create("unable to find user " + imageUserName
                    + ": no matching entries in passwd file")).uid();
        }
        long gid = runAsGroup != null ? runAsGroup : entry.map(UserLookup.User::gid).orElse(0L);

        Set<Long> groups = new LinkedHashSet<>();
        groups.add(gid);
        entry.ifPresent(user -> groups.addAll(users.groupsListing(user.name())));
        if (podSc != null) {
            if (podSc.getFsGroup() != null) {
                groups.add(podSc.getFsGroup());
            }
            if (podSc.getSupplementalGroups() != null) {
                groups.addAll(podSc.getSupplementalGroups());
            }
        }

        boolean privileged = sc != null && Boolean.TRUE.equals(sc.getPrivileged());
        Capabilities caps = sc == null ? null : sc.getCapabilities();
        Set<String> capabilities = privileged ? CapabilitySet.all()
                : CapabilitySet.of(caps == null ? null : caps.getAdd(), caps == null ? null : caps.getDrop());
        // Kubernetes' AddNoNewPrivileges: only an explicit allowPrivilegeEscalation: false sets it.
        boolean noNewPrivileges = sc != null && Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation());
        boolean readOnly = sc != null && Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem());
        return new SecurityPlan(uid, gid, List.copyOf(new ArrayList<>(groups)), capabilities, noNewPrivileges,
                privileged, !privileged && runtimeDefaultSeccomp(seccomp), readOnly);
    }

    /** The kubelet's {@code verifyRunAsNonRoot}, with its messages. */
    private static void verifyNonRoot(Pod pod, Container container, Long runAsUser, Long imageUid, String imageUserName) {
        String where = "(pod: " + goQuote(podDescription(pod)) + ", container: " + container.getName() + ")";
        if (runAsUser != null) {
            if (runAsUser == 0) {
                throw ContainerPlanFailure.config("container's runAsUser breaks non-root policy " + where);
            }
            return;
        }
        if (imageUid != null && imageUid == 0) {
            throw ContainerPlanFailure.config("container has runAsNonRoot and image will run as root " + where);
        }
        if (imageUid == null) {
            throw ContainerPlanFailure.config("container has runAsNonRoot and image has non-numeric user ("
                    + imageUserName + "), cannot verify user is non-root " + where);
        }
    }

    private static boolean runtimeDefaultSeccomp(SeccompProfile profile) {
        String type = profile == null ? null : profile.getType();
        if ("Localhost".equals(type)) {
            throw ContainerPlanFailure.config("Localhost seccomp profiles are not supported");
        }
        return "RuntimeDefault".equals(type);
    }

    private static <T> T effective(SecurityContext sc, PodSecurityContext podSc, Function<SecurityContext, T> container,
                                   Function<PodSecurityContext, T> pod) {
        T value = sc == null ? null : container.apply(sc);
        return value != null || podSc == null ? value : pod.apply(podSc);
    }

    private static Long parseId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Kubernetes' {@code format.Pod}: {@code name_namespace(uid)}. */
    private static String podDescription(Pod pod) {
        return pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "(" + pod.getMetadata().getUid() + ")";
    }

    private static String goQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
