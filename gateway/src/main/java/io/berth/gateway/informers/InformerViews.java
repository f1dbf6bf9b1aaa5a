package io.berth.gateway.informers;

import io.berth.apimachinery.authorizer.NodeGraph;
import io.berth.apimachinery.rbac.RbacObjects;
import io.berth.gateway.authn.CacheMiss;
import io.berth.gateway.authn.CredentialLookups;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The read-only views the authorizers and authenticators use, over the gateway's informer caches. */
public final class InformerViews {

    private InformerViews() {
    }

    public static RbacObjects rbac(ClusterInformers informers) {
        return new RbacObjects() {
            @Override
            public ClusterRole clusterRole(String name) {
                return informers.clusterRole(name);
            }

            @Override
            public Role role(String namespace, String name) {
                return informers.role(namespace, name);
            }

            @Override
            public Collection<ClusterRole> clusterRoles() {
                return informers.clusterRoles();
            }

            @Override
            public Collection<ClusterRoleBinding> clusterRoleBindings() {
                return informers.clusterRoleBindings();
            }

            @Override
            public Collection<RoleBinding> roleBindings(String namespace) {
                return namespace.isEmpty() ? List.of() : informers.roleBindings(namespace);
            }

            @Override
            public long revision() {
                return informers.rbacRevision();
            }
        };
    }

    public static NodeGraph nodeGraph(ClusterInformers informers) {
        return new NodeGraph() {
            @Override
            public List<Pod> podsOnNode(String node) {
                return informers.podsOnNode(node);
            }

            @Override
            public Pod pod(String namespace, String name) {
                return informers.pod(namespace, name);
            }
        };
    }

    /**
     * Lookups from the caches. A ServiceAccount, pod or kube-system Secret that is not cached throws {@link CacheMiss}
     * (so the caller may ask {@link #liveCredentials}); callers must only look up objects named by a verified token.
     */
    public static CredentialLookups credentials(ClusterInformers informers) {
        return new CredentialLookups() {
            @Override
            public Optional<String> serviceAccountUid(String namespace, String name) {
                ServiceAccount sa = informers.serviceAccount(namespace, name);
                if (sa == null) {
                    throw new CacheMiss("ServiceAccount " + namespace + "/" + name);
                }
                return Optional.ofNullable(sa.getMetadata().getUid());
            }

            @Override
            public Optional<String> podUid(String namespace, String name) {
                Pod pod = informers.pod(namespace, name);
                if (pod == null) {
                    throw new CacheMiss("Pod " + namespace + "/" + name);
                }
                return Optional.ofNullable(pod.getMetadata().getUid());
            }

            @Override
            public Optional<Secret> kubeSystemSecret(String name) {
                Optional<Secret> secret = informers.kubeSystemSecret(name);
                if (secret.isEmpty()) {
                    throw new CacheMiss("Secret kube-system/" + name);
                }
                return secret;
            }
        };
    }

    /** The cached lookups, with a miss meaning "does not exist" (for unsigned credentials such as bootstrap tokens). */
    public static CredentialLookups missingIfNotCached(ClusterInformers informers) {
        CredentialLookups cached = credentials(informers);
        return new CredentialLookups() {
            @Override
            public Optional<String> serviceAccountUid(String namespace, String name) {
                try {
                    return cached.serviceAccountUid(namespace, name);
                } catch (CacheMiss e) {
                    return Optional.empty();
                }
            }

            @Override
            public Optional<String> podUid(String namespace, String name) {
                try {
                    return cached.podUid(namespace, name);
                } catch (CacheMiss e) {
                    return Optional.empty();
                }
            }

            @Override
            public Optional<Secret> kubeSystemSecret(String name) {
                try {
                    return cached.kubeSystemSecret(name);
                } catch (CacheMiss e) {
                    return Optional.empty();
                }
            }
        };
    }

    /** Lookups that answer from the caches, else with a GET to the api-service. Blocking: never on an event loop. */
    public static CredentialLookups liveCredentials(ClusterInformers informers) {
        return new CredentialLookups() {
            @Override
            public Optional<String> serviceAccountUid(String namespace, String name) {
                ServiceAccount sa = informers.serviceAccount(namespace, name);
                if (sa == null) {
                    sa = informers.client().serviceAccounts().inNamespace(namespace).withName(name).get();
                }
                return sa == null ? Optional.empty() : Optional.ofNullable(sa.getMetadata().getUid());
            }

            @Override
            public Optional<String> podUid(String namespace, String name) {
                Pod pod = informers.pod(namespace, name);
                if (pod == null) {
                    pod = informers.client().pods().inNamespace(namespace).withName(name).get();
                }
                return pod == null ? Optional.empty() : Optional.ofNullable(pod.getMetadata().getUid());
            }

            @Override
            public Optional<Secret> kubeSystemSecret(String name) {
                Optional<Secret> cached = informers.kubeSystemSecret(name);
                if (cached.isPresent()) {
                    return cached;
                }
                return Optional.ofNullable(informers.client().secrets().inNamespace("kube-system").withName(name)
                        .get());
            }
        };
    }
}
