package io.berth.controller.garbagecollector;

import io.berth.apimachinery.client.ApiCalls;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.controller.runtime.EventRecorder;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link GarbageCollectorClient} over the fabric8 client: GETs through its generic resources (the resource is known
 * from the registry, so no discovery), writes through {@link ApiCalls} (DELETE with {@code DeleteOptions}
 * preconditions; JSON merge patches carrying {@code metadata.uid} and {@code metadata.resourceVersion}: a
 * resourceVersion that moved makes the API server answer 409, and Kubernetes also refuses a uid that differs), events
 * through the {@link EventRecorder}. Thread safe.
 */
final class ApiGarbageCollectorClient implements GarbageCollectorClient {

    static final String MERGE_PATCH = "application/merge-patch+json";
    private static final long TIMEOUT_SECONDS = 30;

    private final KubernetesClient client;
    private final ApiCalls api;
    private final EventRecorder events;

    ApiGarbageCollectorClient(KubernetesClient client, ApiCalls api, EventRecorder events) {
        this.client = client;
        this.api = api;
        this.events = events;
    }

    @Override
    public Optional<ObjectMeta> get(ResourceType type, String namespace, String name) {
        MixedOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> op =
                client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                        .withGroup(type.group()).withVersion(type.version()).withPlural(type.resource())
                        .withKind(type.kind()).withNamespaced(type.namespaced()).build());
        GenericKubernetesResource found = type.namespaced()
                ? op.inNamespace(namespace).withName(name).get() : op.withName(name).get();
        return Optional.ofNullable(found).map(GenericKubernetesResource::getMetadata);
    }

    @Override
    public void apply(Action action) throws Exception {
        if (action instanceof Action.Delete d) {
            send("DELETE", d.target(), "application/json", deleteOptions(d));
        } else if (action instanceof Action.UpdateOwnerReferences u) {
            send("PATCH", u.target(), MERGE_PATCH,
                    metadataPatch(u.target(), u.resourceVersion(), "ownerReferences", u.ownerReferences()));
        } else if (action instanceof Action.RemoveFinalizer f) {
            send("PATCH", f.target(), MERGE_PATCH,
                    metadataPatch(f.target(), f.resourceVersion(), "finalizers", f.remaining()));
        } else if (action instanceof Action.Warn w) {
            ObjectRef about = w.about();
            events.warning(new GenericKubernetesResourceBuilder().withApiVersion(about.type().apiVersion())
                    .withKind(about.type().kind()).withNewMetadata().withNamespace(about.namespace())
                    .withName(about.name()).withUid(about.uid()).endMetadata().build(), w.reason(), w.message());
        } else {
            throw new IllegalArgumentException("not an API write: " + action);
        }
    }

    private void send(String method, ObjectRef target, String contentType, String body) throws Exception {
        ApiCalls.Answer answer = api.send(method, path(target), contentType, body)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (answer.ok() || answer.code() == 404) {
            return;
        }
        if (answer.code() == 409) {
            throw new ConflictException(method + " " + target + ": " + answer.body());
        }
        throw new IllegalStateException(method + " " + target + " answered " + answer.code() + ": " + answer.body());
    }

    /** The object's path: {@code /api/v1/namespaces/ns/pods/name}, {@code /apis/rbac.../clusterroles/name}. */
    static String path(ObjectRef ref) {
        ResourceType t = ref.type();
        StringBuilder path = new StringBuilder(t.group().isEmpty() ? "/api/" + t.version()
                : "/apis/" + t.group() + "/" + t.version());
        if (t.namespaced()) {
            path.append("/namespaces/").append(ref.namespace());
        }
        return path.append('/').append(t.resource()).append('/').append(ref.name()).toString();
    }

    /** DeleteOptions with the uid (and, when given, resourceVersion) precondition and the propagation policy. */
    static String deleteOptions(Action.Delete delete) {
        return Json.writeString(new DeleteOptionsBuilder().withApiVersion("v1").withKind("DeleteOptions")
                .withPropagationPolicy(delete.propagationPolicy())
                .withNewPreconditions().withUid(delete.target().uid()).withResourceVersion(delete.resourceVersion())
                .endPreconditions().build());
    }

    /**
     * A merge patch of one metadata list, guarded: the API server refuses it (409) when the resourceVersion moved.
     * An empty list is written as null, which removes the field, as Kubernetes' garbage collector does.
     */
    static String metadataPatch(ObjectRef target, String resourceVersion, String field, List<?> value) {
        ObjectNode patch = Json.object();
        ObjectNode metadata = patch.putObject("metadata");
        metadata.put("uid", target.uid());
        if (resourceVersion != null) {
            metadata.put("resourceVersion", resourceVersion);
        }
        if (value.isEmpty()) {
            metadata.putNull(field);
        } else {
            metadata.set(field, Json.mapper().valueToTree(value));
        }
        return Json.writeString(patch);
    }
}
