package io.berth.apiserver.rest;

import io.berth.apimachinery.request.RequestInfo;
import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.registry.ResourceType;
import io.berth.apimachinery.selector.LabelSelector;
import io.berth.apiserver.admission.NodeRestriction;
import io.berth.apiserver.auth.Requester;
import io.berth.apiserver.storage.ResourceVersions;
import io.berth.apiserver.storage.Stored;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code scale} subresource of Deployments and ReplicaSets (an autoscaling/v1 Scale view of spec.replicas),
 * {@code pods/binding}, which sets a pod's node exactly once, and {@code namespaces/finalize}, which alone changes a
 * namespace's {@code spec.finalizers}.
 */
final class Subresources {

    private final ApiContext ctx;
    private final Deletes deletes;

    Subresources(ApiContext ctx, Deletes deletes) {
        this.ctx = ctx;
        this.deletes = deletes;
    }

    /**
     * PUT {@code namespaces/{name}/finalize}, as Kubernetes' FinalizeREST: the request's {@code spec.finalizers}
     * replace the stored ones and nothing else changes (its metadata and status are ignored). A resourceVersion in
     * the body makes the write conditional (409 when it is stale). A terminating namespace left with no finalizers of
     * either kind is then removed from storage; the answer is the namespace as last written.
     */
    Mono<ServerResponse> finalizeNamespace(ServerRequest request, RequestInfo info, ResourceType type,
                                           OutputFormat format) {
        FieldValidation validation = FieldValidation.parse(request.queryParam("fieldValidation").orElse(""));
        Bodies.Kind kind = Bodies.objectKind(request.headers().firstHeader("Content-Type"));
        boolean dryRun = Writes.dryRun(request);
        Requester who = Requester.from(request);
        return Bodies.read(request, ctx.props().maxRequestBody().toBytes()).flatMap(body -> {
            ObjectDecoder.Decoded decoded = ObjectDecoder.decode(type, body, kind, validation);
            Namespace requested = (Namespace) decoded.object();
            String name = requested.getMetadata() == null ? null : requested.getMetadata().getName();
            if (name != null && !name.isEmpty() && !name.equals(info.name())) {
                throw StatusErrors.badRequest("the name of the object (" + name
                        + ") does not match the name on the URL (" + info.name() + ")");
            }
            long clientRv = requested.getMetadata() == null ? 0
                    : ResourceVersions.parse(requested.getMetadata().getResourceVersion());
            List<String> finalizers = requested.getSpec() == null || requested.getSpec().getFinalizers() == null
                    ? List.of() : List.copyOf(requested.getSpec().getFinalizers());
            java.util.function.UnaryOperator<HasMetadata> finalize = current -> {
                if (clientRv != 0 && clientRv != ResourceVersions.parse(current.getMetadata().getResourceVersion())) {
                    throw StatusErrors.modifiedConflict(type, info.name());
                }
                Namespace next = (Namespace) Json.deepCopy(current);
                if (next.getSpec() == null) {
                    next.setSpec(new NamespaceSpec());
                }
                next.getSpec().setFinalizers(new ArrayList<>(finalizers));
                next.getMetadata().setResourceVersion(null);
                ctx.admission().validateUpdate(who, type, "finalize", next, current);
                return next;
            };
            if (dryRun) {
                return Async.mono(() -> ctx.store().get(type, info.namespace(), info.name()))
                        .flatMap(current -> {
                            HasMetadata next = finalize.apply(current.object());
                            next.getMetadata().setResourceVersion(Long.toString(current.revision()));
                            return Responses.object(200, next, format, decoded.warnings());
                        });
            }
            return Async.mono(() -> ctx.store().guaranteedUpdate(type, info.namespace(), info.name(), finalize,
                            null))
                    .flatMap(stored -> deletes.finishIfFinalized(type, stored))
                    .flatMap(stored -> Responses.json(200, ResourceVersions.inject(stored.data(), stored.revision()),
                            format, decoded.warnings()));
        });
    }

    Mono<ServerResponse> getScale(RequestInfo info, ResourceType type, OutputFormat format) {
        return Async.mono(() -> ctx.store().get(type, info.namespace(), info.name()))
                .flatMap(stored -> Responses.object(200, scaleOf(stored), format, List.of()));
    }

    /** PUT or PATCH of {@code /scale}: the new Scale's spec.replicas becomes the object's. */
    Mono<ServerResponse> writeScale(ServerRequest request, RequestInfo info, ResourceType type, OutputFormat format,
                                    boolean patch) {
        Bodies.Kind kind = patch ? Bodies.patchKind(request.headers().firstHeader("Content-Type"))
                : Bodies.objectKind(request.headers().firstHeader("Content-Type"));
        boolean dryRun = Writes.dryRun(request);
        Requester who = Requester.from(request);
        return Bodies.read(request, ctx.props().maxRequestBody().toBytes()).flatMap(body -> {
            JsonNode input = Bodies.parse(body, patch ? Bodies.Kind.JSON : kind, false);
            java.util.function.UnaryOperator<HasMetadata> tryUpdate = current -> {
                Scale currentScale = scaleOf(current, 0);
                JsonNode scaleTree = patch
                        ? Writes.applyPatch(scaleType(), kind, Json.toTree(currentScale), input)
                        : input;
                Scale scale;
                try {
                    scale = Json.convert(scaleTree, Scale.class);
                } catch (JacksonException e) {
                    throw StatusErrors.badRequest("Scale in version \"v1\" cannot be handled as a Scale: "
                            + ObjectDecoder.describe(e));
                }
                String rv = scale.getMetadata() == null ? null : scale.getMetadata().getResourceVersion();
                if (rv != null && !rv.isEmpty() && !rv.equals(current.getMetadata().getResourceVersion())) {
                    throw StatusErrors.modifiedConflict(type, info.name());
                }
                Integer replicas = scale.getSpec() == null ? null : scale.getSpec().getReplicas();
                if (replicas == null || replicas < 0) {
                    throw StatusErrors.invalid(scaleType(), info.name(), List.of(FieldError.invalid("spec.replicas",
                            replicas == null ? "null" : replicas, "must be greater than or equal to 0")));
                }
                HasMetadata next = Json.deepCopy(current);
                setReplicas(next, replicas);
                long generation = next.getMetadata().getGeneration() == null ? 1 : next.getMetadata().getGeneration();
                if (!replicas.equals(replicasOf(current))) {
                    next.getMetadata().setGeneration(generation + 1);
                }
                next.getMetadata().setResourceVersion(null);
                ctx.admission().admitSubresource(who, NodeRestriction.Operation.UPDATE, type, "scale", next, current);
                return next;
            };
            if (dryRun) {
                return Async.mono(() -> ctx.store().get(type, info.namespace(), info.name()))
                        .map(current -> tryUpdate.apply(current.object()))
                        .flatMap(next -> Responses.object(200, scaleOf(next, 0), format, List.of()));
            }
            return Async.mono(() -> ctx.store().guaranteedUpdate(type, info.namespace(), info.name(), tryUpdate,
                            null))
                    .flatMap(stored -> Responses.object(200, scaleOf(stored), format, List.of()));
        });
    }

    private static ResourceType scaleType() {
        return new ResourceType("autoscaling", "v1", "scale", "scale", "Scale", true, Scale.class, null, List.of(),
                List.of(), ResourceType.STANDARD_VERBS, java.util.Set.of(), false, true);
    }

    static Scale scaleOf(Stored stored) {
        return scaleOf(stored.object(), stored.revision());
    }

    private static Scale scaleOf(HasMetadata obj, long revision) {
        Scale scale = new Scale();
        scale.setApiVersion("autoscaling/v1");
        scale.setKind("Scale");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(obj.getMetadata().getName());
        meta.setNamespace(obj.getMetadata().getNamespace());
        meta.setUid(obj.getMetadata().getUid());
        meta.setCreationTimestamp(obj.getMetadata().getCreationTimestamp());
        meta.setResourceVersion(revision > 0 ? Long.toString(revision) : obj.getMetadata().getResourceVersion());
        scale.setMetadata(meta);
        scale.setSpec(new ScaleSpec(replicasOf(obj)));
        ScaleStatus status = new ScaleStatus();
        io.fabric8.kubernetes.api.model.LabelSelector selector = null;
        if (obj instanceof Deployment d) {
            status.setReplicas(d.getStatus() == null || d.getStatus().getReplicas() == null ? 0 : d.getStatus().getReplicas());
            selector = d.getSpec() == null ? null : d.getSpec().getSelector();
        } else if (obj instanceof ReplicaSet rs) {
            status.setReplicas(rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas());
            selector = rs.getSpec() == null ? null : rs.getSpec().getSelector();
        }
        if (selector != null) {
            status.setSelector(LabelSelector.from(selector).toString());
        }
        scale.setStatus(status);
        return scale;
    }

    private static Integer replicasOf(HasMetadata obj) {
        if (obj instanceof Deployment d && d.getSpec() != null) {
            return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        }
        if (obj instanceof ReplicaSet rs && rs.getSpec() != null) {
            return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
        }
        return 0;
    }

    private static void setReplicas(HasMetadata obj, int replicas) {
        if (obj instanceof Deployment d && d.getSpec() != null) {
            d.getSpec().setReplicas(replicas);
        } else if (obj instanceof ReplicaSet rs && rs.getSpec() != null) {
            rs.getSpec().setReplicas(replicas);
        }
    }

    /** POST pods/{name}/binding: sets spec.nodeName once; 409 when the pod is already bound or being deleted. */
    Mono<ServerResponse> bind(ServerRequest request, RequestInfo info, ResourceType type) {
        boolean dryRun = Writes.dryRun(request);
        Requester who = Requester.from(request);
        Bodies.Kind kind = Bodies.objectKind(request.headers().firstHeader("Content-Type"));
        return Bodies.read(request, ctx.props().maxRequestBody().toBytes()).flatMap(body -> {
            JsonNode tree = Bodies.parse(body, kind, false);
            Binding binding;
            try {
                binding = Json.convert(tree, Binding.class);
            } catch (JacksonException e) {
                throw StatusErrors.badRequest("Binding in version \"v1\" cannot be handled as a Binding: "
                        + ObjectDecoder.describe(e));
            }
            String name = binding.getMetadata() == null ? null : binding.getMetadata().getName();
            if (name != null && !name.isEmpty() && !name.equals(info.name())) {
                throw StatusErrors.badRequest("the name of the object (" + name
                        + ") does not match the name on the URL (" + info.name() + ")");
            }
            String node = binding.getTarget() == null ? null : binding.getTarget().getName();
            List<FieldError> errors = new ArrayList<>();
            if (node == null || node.isEmpty()) {
                errors.add(FieldError.required("target.name", ""));
            }
            String targetKind = binding.getTarget() == null ? null : binding.getTarget().getKind();
            if (targetKind != null && !targetKind.isEmpty() && !targetKind.equals("Node")) {
                errors.add(FieldError.notSupported("target.kind", targetKind, List.of("Node")));
            }
            if (!errors.isEmpty()) {
                throw StatusErrors.invalid(type, info.name(), errors);
            }
            java.util.function.UnaryOperator<HasMetadata> assign = current -> {
                ctx.admission().admitSubresource(who, NodeRestriction.Operation.CREATE, type, "binding", null,
                        current);
                Pod pod = (Pod) current;
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    throw StatusErrors.conflict(type, info.name(), "pod " + info.name()
                            + " is being deleted, cannot be assigned to a host");
                }
                String existing = pod.getSpec().getNodeName();
                if (existing != null && !existing.isEmpty()) {
                    throw StatusErrors.conflict(type, info.name(), "pod " + info.name()
                            + " is already assigned to node \"" + existing + "\"");
                }
                pod.getSpec().setNodeName(node);
                if (pod.getStatus() == null) {
                    pod.setStatus(new PodStatus());
                }
                List<PodCondition> conditions = new ArrayList<>(pod.getStatus().getConditions() == null ? List.of()
                        : pod.getStatus().getConditions());
                conditions.removeIf(c -> "PodScheduled".equals(c.getType()));
                PodCondition scheduled = new PodCondition();
                scheduled.setType("PodScheduled");
                scheduled.setStatus("True");
                scheduled.setLastTransitionTime(io.berth.apiserver.strategy.Strategy.timestamp(ctx.clock().instant()));
                conditions.add(scheduled);
                pod.getStatus().setConditions(conditions);
                pod.getMetadata().setResourceVersion(null);
                return pod;
            };
            Mono<Stored> write = dryRun
                    ? Async.mono(() -> ctx.store().get(type, info.namespace(), info.name()))
                            .doOnNext(current -> assign.apply(current.object()))
                    : Async.mono(() -> ctx.store().guaranteedUpdate(type, info.namespace(), info.name(), assign,
                            null));
            return write.flatMap(stored -> Responses.object(201, StatusErrors.success(type, info.name(), null),
                    OutputFormat.JSON, List.of()));
        });
    }
}
