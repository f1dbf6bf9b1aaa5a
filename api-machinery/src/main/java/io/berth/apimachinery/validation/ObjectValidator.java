package io.berth.apimachinery.validation;

import io.berth.apimachinery.errors.FieldError;
import io.berth.apimachinery.errors.StatusErrors;
import io.berth.apimachinery.registry.ResourceType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Validates API objects on create and update the way Kubernetes v1.32's registry strategies do: object metadata
 * (name rule per resource, namespace, labels, annotations, owner references, finalizers), then the kind's own
 * rules, each problem reported as a {@link FieldError} with Kubernetes' field path, type and wording.
 *
 * <p>Contract: call after defaulting and after the server has filled {@code name} from {@code generateName};
 * fields that Kubernetes defaults (restartPolicy, dnsPolicy, protocol, strategy, ...) may be unset. The returned
 * list is empty when the object is valid, ordered as Kubernetes reports, without duplicates. Stateless and thread
 * safe.
 */
public final class ObjectValidator {

    private ObjectValidator() {
    }

    /** The problems with a new object of {@code type}. */
    public static List<FieldError> validate(ResourceType type, HasMetadata obj) {
        List<FieldError> errs = new ArrayList<>(MetaValidation.validate(obj.getMetadata(), type.namespaced(),
                NameRule.forResource(type), MetaValidation.metadata()));
        errs.addAll(validateKind(obj));
        return distinct(errs);
    }

    /** The problems with replacing {@code oldObj} by {@code newObj}: immutable fields, then {@link #validate}. */
    public static List<FieldError> validateUpdate(ResourceType type, HasMetadata newObj, HasMetadata oldObj) {
        List<FieldError> errs = new ArrayList<>(MetaValidation.validateUpdate(newObj.getMetadata(),
                oldObj.getMetadata(), MetaValidation.metadata()));
        errs.addAll(validate(type, newObj));
        errs.addAll(validateKindUpdate(newObj, oldObj));
        return distinct(errs);
    }

    /** @throws io.berth.apimachinery.errors.ApiException 422 Invalid listing every problem */
    public static void requireValid(ResourceType type, HasMetadata obj) {
        throwIfAny(type, obj, validate(type, obj));
    }

    /** @throws io.berth.apimachinery.errors.ApiException 422 Invalid listing every problem */
    public static void requireValidUpdate(ResourceType type, HasMetadata newObj, HasMetadata oldObj) {
        throwIfAny(type, newObj, validateUpdate(type, newObj, oldObj));
    }

    private static void throwIfAny(ResourceType type, HasMetadata obj, List<FieldError> errs) {
        if (!errs.isEmpty()) {
            throw StatusErrors.invalid(type, obj.getMetadata() == null ? null : obj.getMetadata().getName(), errs);
        }
    }

    private static List<FieldError> validateKind(HasMetadata obj) {
        if (obj instanceof Pod pod) {
            return PodValidation.validateSpec(pod.getSpec() == null ? new PodSpec() : pod.getSpec(),
                    FieldPath.of("spec"));
        } else if (obj instanceof Service svc) {
            return ServiceValidation.validate(svc);
        } else if (obj instanceof Deployment d) {
            return AppsValidation.validateDeployment(d);
        } else if (obj instanceof ReplicaSet rs) {
            return AppsValidation.validateReplicaSet(rs);
        } else if (obj instanceof ConfigMap cm) {
            return ConfigValidation.validateConfigMap(cm);
        } else if (obj instanceof Secret secret) {
            return ConfigValidation.validateSecret(secret);
        } else if (obj instanceof Namespace ns) {
            return ClusterValidation.validateNamespace(ns);
        } else if (obj instanceof Node node) {
            return ClusterValidation.validateNode(node);
        } else if (obj instanceof Lease lease) {
            return ClusterValidation.validateLease(lease);
        } else if (obj instanceof PriorityClass pc) {
            return ClusterValidation.validatePriorityClass(pc);
        } else if (obj instanceof ResourceQuota quota) {
            return ClusterValidation.validateResourceQuota(quota);
        } else if (obj instanceof LimitRange lr) {
            return ClusterValidation.validateLimitRange(lr);
        } else if (obj instanceof Event event) {
            return ClusterValidation.validateEvent(event);
        } else if (obj instanceof Role role) {
            return RbacValidation.validateRules(list(role.getRules()), true);
        } else if (obj instanceof ClusterRole role) {
            List<FieldError> errs = new ArrayList<>(RbacValidation.validateRules(list(role.getRules()), false));
            errs.addAll(RbacValidation.validateAggregationRule(role.getAggregationRule()));
            return errs;
        } else if (obj instanceof RoleBinding rb) {
            return RbacValidation.validateBinding(rb.getRoleRef(), rb.getSubjects(), true);
        } else if (obj instanceof ClusterRoleBinding crb) {
            return RbacValidation.validateBinding(crb.getRoleRef(), crb.getSubjects(), false);
        } else if (obj instanceof NetworkPolicy np) {
            return NetworkValidation.validateNetworkPolicy(np);
        } else if (obj instanceof Endpoints ep) {
            return NetworkValidation.validateEndpoints(ep);
        } else if (obj instanceof EndpointSlice slice) {
            return NetworkValidation.validateEndpointSlice(slice);
        }
        return List.of();
    }

    private static List<FieldError> validateKindUpdate(HasMetadata n, HasMetadata o) {
        if (n instanceof Pod np && o instanceof Pod op) {
            return PodUpdateValidation.validate(np.getSpec(), op.getSpec());
        } else if (n instanceof Deployment nd && o instanceof Deployment od) {
            return AppsValidation.validateSelectorUpdate(nd.getSpec() == null ? null : nd.getSpec().getSelector(),
                    od.getSpec() == null ? null : od.getSpec().getSelector());
        } else if (n instanceof ReplicaSet nr && o instanceof ReplicaSet or) {
            return AppsValidation.validateSelectorUpdate(nr.getSpec() == null ? null : nr.getSpec().getSelector(),
                    or.getSpec() == null ? null : or.getSpec().getSelector());
        } else if (n instanceof ConfigMap nc && o instanceof ConfigMap oc) {
            return ConfigValidation.validateConfigMapUpdate(nc, oc);
        } else if (n instanceof Secret ns && o instanceof Secret os) {
            return ConfigValidation.validateSecretUpdate(ns, os);
        } else if (n instanceof Service ns && o instanceof Service os) {
            return ServiceValidation.validateUpdate(ns, os);
        } else if (n instanceof RoleBinding nb && o instanceof RoleBinding ob) {
            return RbacValidation.validateRoleRefUpdate(nb.getRoleRef(), ob.getRoleRef());
        } else if (n instanceof ClusterRoleBinding nb && o instanceof ClusterRoleBinding ob) {
            return RbacValidation.validateRoleRefUpdate(nb.getRoleRef(), ob.getRoleRef());
        } else if (n instanceof Node nn && o instanceof Node on) {
            return ClusterValidation.validateNodeUpdate(nn, on);
        } else if (n instanceof PriorityClass np && o instanceof PriorityClass op) {
            return ClusterValidation.validatePriorityClassUpdate(np, op);
        }
        return List.of();
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    private static List<FieldError> distinct(List<FieldError> errs) {
        return List.copyOf(new LinkedHashSet<>(errs));
    }
}
