package io.berth.controller.namespace;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link NamespaceApi} over the controller manager's fabric8 client: discovery through its discovery calls, the rest
 * as plain requests over its HTTP client (its TLS, token and retries), since the resources are known only by name.
 * Blocking: the namespace controller's workers wait for each answer. Thread safe.
 */
final class RestNamespaceApi implements NamespaceApi {

    /** Kubernetes' namespace controller deletes content in the background: dependents go through the GC. */
    private static final String DELETE_OPTIONS = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
            + "\"propagationPolicy\":\"Background\"}";
    private static final long TIMEOUT_SECONDS = 60;

    private final KubernetesClient client;
    private final HttpClient http;
    private final KubernetesSerialization json;
    private final String base;

    RestNamespaceApi(KubernetesClient client) {
        this.client = client;
        this.http = client.getHttpClient();
        this.json = client.getKubernetesSerialization();
        String url = client.getMasterUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public Optional<Namespace> get(String name) {
        return namespace(call("GET", "/api/v1/namespaces/" + name, null));
    }

    @Override
    public Optional<Namespace> updateStatus(Namespace namespace) {
        return namespace(call("PUT", "/api/v1/namespaces/" + namespace.getMetadata().getName() + "/status",
                json.asJson(namespace)));
    }

    @Override
    public Optional<Namespace> finalize(Namespace namespace) {
        return namespace(call("PUT", "/api/v1/namespaces/" + namespace.getMetadata().getName() + "/finalize",
                json.asJson(namespace)));
    }

    @Override
    public Discovered discover() {
        List<APIResourceList> lists = new ArrayList<>();
        Map<String, String> failed = new TreeMap<>();
        read("v1", lists, failed);
        APIGroupList groups;
        try {
            groups = client.getApiGroups();
        } catch (KubernetesClientException e) {
            throw new Failure(e.getCode(), "unable to retrieve the list of API groups: " + e.getMessage());
        }
        for (APIGroup group : groups == null || groups.getGroups() == null ? List.<APIGroup>of() : groups.getGroups()) {
            // the preferred version only, as Kubernetes' ServerPreferredNamespacedResources
            String gv = group.getPreferredVersion() != null ? group.getPreferredVersion().getGroupVersion()
                    : group.getVersions() == null || group.getVersions().isEmpty() ? null
                    : group.getVersions().get(0).getGroupVersion();
            if (gv != null) {
                read(gv, lists, failed);
            }
        }
        return new Discovered(lists, failed);
    }

    private void read(String groupVersion, List<APIResourceList> lists, Map<String, String> failed) {
        try {
            APIResourceList list = client.getApiResources(groupVersion);
            if (list == null) {
                failed.put(groupVersion, "the server could not find the requested resource");
            } else {
                if (list.getGroupVersion() == null) {
                    list.setGroupVersion(groupVersion);
                }
                lists.add(list);
            }
        } catch (KubernetesClientException e) {
            failed.put(groupVersion, e.getMessage());
        }
    }

    @Override
    public boolean deleteCollection(GroupVersionResource resource, String namespace) {
        HttpResponse<String> answer = call("DELETE", resource.path(namespace), DELETE_OPTIONS);
        if (unsupported(answer)) {
            return false;
        }
        check(answer);
        return true;
    }

    @Override
    public Optional<List<GenericKubernetesResource>> list(GroupVersionResource resource, String namespace) {
        HttpResponse<String> answer = call("GET", resource.path(namespace), null);
        if (unsupported(answer)) {
            return Optional.empty();
        }
        check(answer);
        GenericKubernetesResourceList list = json.unmarshal(answer.body(), GenericKubernetesResourceList.class);
        return Optional.of(list.getItems() == null ? List.of() : list.getItems());
    }

    @Override
    public void delete(GroupVersionResource resource, String namespace, String name) {
        HttpResponse<String> answer = call("DELETE", resource.path(namespace) + "/" + name, DELETE_OPTIONS);
        if (answer.code() != 404) {
            check(answer);
        }
    }

    private Optional<Namespace> namespace(HttpResponse<String> answer) {
        if (answer.code() == 404) {
            return Optional.empty();
        }
        check(answer);
        return Optional.of(json.unmarshal(answer.body(), Namespace.class));
    }

    /** Kubernetes treats both as "this resource has no such verb" (some resources answer 404 rather than 405). */
    private static boolean unsupported(HttpResponse<String> answer) {
        return answer.code() == 404 || answer.code() == 405;
    }

    private void check(HttpResponse<String> answer) {
        if (answer.isSuccessful()) {
            return;
        }
        String message;
        try {
            Status status = json.unmarshal(answer.body(), Status.class);
            message = status.getMessage() != null ? status.getMessage() : answer.body();
        } catch (RuntimeException e) {
            message = answer.body();
        }
        throw new Failure(answer.code(), message);
    }

    private HttpResponse<String> call(String method, String path, String body) {
        HttpRequest.Builder request = http.newHttpRequestBuilder().uri(base + path);
        if (body != null) {
            request.method(method, "application/json", body);
        }
        try {
            return http.sendAsync(request.build(), String.class).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(0, method + " " + path + " was interrupted");
        } catch (ExecutionException e) {
            throw new Failure(0, method + " " + path + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new Failure(0, method + " " + path + ": no answer within " + TIMEOUT_SECONDS + " s");
        }
    }
}
