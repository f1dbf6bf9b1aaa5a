package io.berth.apiserver.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The protobuf message of each Kubernetes kind, by {@code apiVersion} and {@code kind}, as the envelope of a protobuf
 * body names them. Kubernetes' generated.proto files carry the Go package ({@code k8s.io.api.apps.v1}), not the API
 * group ({@code apps}), so the packages Berth understands are listed here with their group version.
 *
 * <p>The index is built once, on first use (loading the generated classes takes several hundred milliseconds on a
 * cold JVM, which a server that never sees protobuf should not pay); thread safe.
 */
final class ProtobufSchemas {

    static final String META_PACKAGE = "k8s.io.apimachinery.pkg.apis.meta.v1";

    /** The options kinds every group version serves (Kubernetes' {@code metav1.AddToGroupVersion}). */
    private static final Set<String> OPTIONS_KINDS = Set.of("DeleteOptions", "CreateOptions", "UpdateOptions",
            "PatchOptions", "ListOptions", "GetOptions");

    /** Proto package → API group version, for the v1 groups of Kubernetes 1.32. */
    private static final Map<String, String> GROUP_VERSIONS = Map.ofEntries(
            Map.entry("k8s.io.api.core.v1", "v1"),
            Map.entry("k8s.io.api.apps.v1", "apps/v1"),
            Map.entry("k8s.io.api.authentication.v1", "authentication.k8s.io/v1"),
            Map.entry("k8s.io.api.authorization.v1", "authorization.k8s.io/v1"),
            Map.entry("k8s.io.api.rbac.v1", "rbac.authorization.k8s.io/v1"),
            Map.entry("k8s.io.api.networking.v1", "networking.k8s.io/v1"),
            Map.entry("k8s.io.api.scheduling.v1", "scheduling.k8s.io/v1"),
            Map.entry("k8s.io.api.coordination.v1", "coordination.k8s.io/v1"),
            Map.entry("k8s.io.api.discovery.v1", "discovery.k8s.io/v1"),
            Map.entry("k8s.io.api.policy.v1", "policy/v1"),
            Map.entry("k8s.io.api.storage.v1", "storage.k8s.io/v1"),
            Map.entry("k8s.io.api.batch.v1", "batch/v1"),
            Map.entry("k8s.io.api.autoscaling.v1", "autoscaling/v1"),
            Map.entry("k8s.io.api.certificates.v1", "certificates.k8s.io/v1"),
            Map.entry("k8s.io.api.admissionregistration.v1", "admissionregistration.k8s.io/v1"));

    private ProtobufSchemas() {
    }

    /**
     * The message of a kind, or empty when this server has no such kind in that group version. Kinds are the
     * messages that carry object or list metadata (which lets a few templates such as {@code PodTemplateSpec} in;
     * the endpoint's kind check refuses them); the options kinds ({@code DeleteOptions}, ...) are found in every
     * known group version and in {@code meta.k8s.io/v1}.
     */
    static Optional<Descriptor> find(String apiVersion, String kind) {
        Map<String, Descriptor> kinds = Index.KINDS.get(apiVersion);
        if (OPTIONS_KINDS.contains(kind) && (kinds != null || apiVersion.equals("meta.k8s.io/v1"))) {
            return Optional.ofNullable(Index.META_OPTIONS.get(kind));
        }
        return kinds == null ? Optional.empty() : Optional.ofNullable(kinds.get(kind));
    }

    /** Every group version the index knows. */
    static Set<String> groupVersions() {
        return Index.KINDS.keySet();
    }

    /** Holder idiom: the JVM builds the index once, on first access, and publishes it safely. */
    private static final class Index {

        static final Map<String, Map<String, Descriptor>> KINDS = new HashMap<>();
        static final Map<String, Descriptor> META_OPTIONS = new HashMap<>();

        static {
            List<FileDescriptor> files = new ArrayList<>(List.of(V1.getDescriptor(), V1Apps.getDescriptor(),
                    V1Authentication.getDescriptor(), V1Authorization.getDescriptor(), V1Rbac.getDescriptor(),
                    V1Networking.getDescriptor(), V1Scheduling.getDescriptor(), V1Policy.getDescriptor(),
                    V1Storage.getDescriptor(), V1Batch.getDescriptor(), V1Autoscaling.getDescriptor(),
                    V1Certificates.getDescriptor(), V1Admissionregistration.getDescriptor()));
            files.addAll(SupplementalSchemas.files());
            for (FileDescriptor file : files) {
                String groupVersion = GROUP_VERSIONS.get(file.getPackage());
                if (groupVersion == null) {
                    throw new IllegalStateException("no API group for proto package " + file.getPackage());
                }
                Map<String, Descriptor> kinds = KINDS.computeIfAbsent(groupVersion, gv -> new HashMap<>());
                for (Descriptor message : file.getMessageTypes()) {
                    if (isKind(message)) {
                        kinds.put(message.getName(), message);
                    }
                }
            }
            for (String kind : OPTIONS_KINDS) {
                META_OPTIONS.put(kind, Meta.getDescriptor().findMessageTypeByName(kind));
            }
        }

        private static boolean isKind(Descriptor message) {
            FieldDescriptor metadata = message.findFieldByName("metadata");
            if (metadata == null || metadata.getType() != FieldDescriptor.Type.MESSAGE) {
                return false;
            }
            String type = metadata.getMessageType().getFullName();
            return type.equals(META_PACKAGE + ".ObjectMeta") || type.equals(META_PACKAGE + ".ListMeta");
        }
    }
}
