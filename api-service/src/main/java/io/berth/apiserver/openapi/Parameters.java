package io.berth.apiserver.openapi;

import java.util.List;

/**
 * The query and path parameters of Kubernetes' REST operations, grouped per operation as Kubernetes v1.32
 * publishes them (alphabetical, like Kubernetes' documents).
 */
final class Parameters {

    /** One parameter: {@code in} is {@code path} or {@code query}; {@code type} a JSON schema type. */
    record Parameter(String name, String in, String type, boolean required, String description) {
    }

    private Parameters() {
    }

    static final Parameter NAMESPACE = new Parameter("namespace", "path", "string", true,
            "object name and auth scope, such as for teams and projects");
    static final Parameter PRETTY = query("pretty", "string",
            "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a "
                    + "browser or command-line HTTP tool (curl and wget).");

    static final Parameter ALLOW_WATCH_BOOKMARKS = query("allowWatchBookmarks", "boolean",
            "allowWatchBookmarks requests watch events with type \"BOOKMARK\". Servers that do not implement "
                    + "bookmarks may ignore this flag and bookmarks are sent at the server's discretion. Clients "
                    + "should not assume bookmarks are returned at any specific interval, nor may they assume the "
                    + "server will send any BOOKMARK event during a session. If this is not a watch, this field is "
                    + "ignored.");
    static final Parameter CONTINUE = query("continue", "string",
            "The continue option should be set when retrieving more results from the server. Since this value is "
                    + "server defined, clients may only use the continue value from a previous query result with "
                    + "identical query parameters (except for the value of continue) and the server may reject a "
                    + "continue value it does not recognize. If the specified continue value is no longer valid, "
                    + "the server will respond with a 410 ResourceExpired error together with a continue token.\n\n"
                    + "This field is not supported when watch is true. Clients may start a watch from the last "
                    + "resourceVersion value returned by the server and not miss any modifications.");
    static final Parameter DRY_RUN = query("dryRun", "string",
            "When present, indicates that modifications should not be persisted. An invalid or unrecognized "
                    + "dryRun directive will result in an error response and no further processing of the request. "
                    + "Valid values are: - All: all dry run stages will be processed");
    static final Parameter FIELD_MANAGER = query("fieldManager", "string",
            "fieldManager is a name associated with the actor or entity that is making these changes. The value "
                    + "must be less than or 128 characters long, and only contain printable characters, as defined "
                    + "by https://golang.org/pkg/unicode/#IsPrint.");
    static final Parameter FIELD_SELECTOR = query("fieldSelector", "string",
            "A selector to restrict the list of returned objects by their fields. Defaults to everything.");
    static final Parameter FIELD_VALIDATION = query("fieldValidation", "string",
            "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) "
                    + "containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any "
                    + "unknown fields that are silently dropped from the object, and will ignore all but the last "
                    + "duplicate field that the decoder encounters. - Warn: This will send a warning via the "
                    + "standard warning response header for each unknown field that is dropped from the object, and "
                    + "for each duplicate field that is encountered. The request will still succeed if there are no "
                    + "other errors, and will only persist the last of any duplicate fields. This is the default. - "
                    + "Strict: This will fail the request with a BadRequest error if any unknown fields would be "
                    + "dropped from the object, or if any duplicate fields are present. The error returned from the "
                    + "server will contain all unknown and duplicate fields encountered.");
    static final Parameter FORCE = query("force", "boolean",
            "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by "
                    + "other people. Force flag must be unset for non-apply patch requests.");
    static final Parameter GRACE_PERIOD_SECONDS = query("gracePeriodSeconds", "integer",
            "The duration in seconds before the object should be deleted. Value must be non-negative integer. "
                    + "The value zero indicates delete immediately. If this value is nil, the default grace period "
                    + "for the specified type will be used. Defaults to a per object value if not specified. zero "
                    + "means delete immediately.");
    static final Parameter LABEL_SELECTOR = query("labelSelector", "string",
            "A selector to restrict the list of returned objects by their labels. Defaults to everything.");
    static final Parameter LIMIT = query("limit", "integer",
            "limit is a maximum number of responses to return for a list call. If more items exist, the server "
                    + "will set the `continue` field on the list metadata to a value that can be used with the same "
                    + "initial query to retrieve the next set of results. This field is not supported if watch is "
                    + "true.");
    static final Parameter ORPHAN_DEPENDENTS = query("orphanDependents", "boolean",
            "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the "
                    + "dependent objects be orphaned. If true/false, the \"orphan\" finalizer will be added "
                    + "to/removed from the object's finalizers list. Either this field or PropagationPolicy may be "
                    + "set, but not both.");
    static final Parameter PROPAGATION_POLICY = query("propagationPolicy", "string",
            "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be "
                    + "set, but not both. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - "
                    + "allow the garbage collector to delete the dependents in the background; 'Foreground' - a "
                    + "cascading policy that deletes all dependents in the foreground.");
    static final Parameter RESOURCE_VERSION = query("resourceVersion", "string",
            "resourceVersion sets a constraint on what resource versions a request may be served from. See "
                    + "https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for "
                    + "details.\n\nDefaults to unset");
    static final Parameter RESOURCE_VERSION_MATCH = query("resourceVersionMatch", "string",
            "resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly "
                    + "recommended that resourceVersionMatch be set for list calls where resourceVersion is set. "
                    + "See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for "
                    + "details.\n\nDefaults to unset");
    static final Parameter SEND_INITIAL_EVENTS = query("sendInitialEvents", "boolean",
            "`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will "
                    + "begin with synthetic events to produce the current state of objects in the collection, "
                    + "followed by a synthetic \"Bookmark\" event annotated `\"k8s.io/initial-events-end\": "
                    + "\"true\"`. When set, `resourceVersionMatch` must be set too.");
    static final Parameter TIMEOUT_SECONDS = query("timeoutSeconds", "integer",
            "Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or "
                    + "inactivity.");
    static final Parameter WATCH = query("watch", "boolean",
            "Watch for changes to the described resources and return them as a stream of add, update, and remove "
                    + "notifications. Specify resourceVersion.");

    /** Parameters of {@code pods/log}: Kubernetes' PodLogOptions. */
    static final List<Parameter> POD_LOG = List.of(
            query("container", "string", "The container for which to stream logs. Defaults to only container if "
                    + "there is one container in the pod."),
            query("follow", "boolean", "Follow the log stream of the pod. Defaults to false."),
            query("insecureSkipTLSVerifyBackend", "boolean", "insecureSkipTLSVerifyBackend indicates that the "
                    + "apiserver should not confirm the validity of the serving certificate of the backend it is "
                    + "connecting to. Berth refuses it: the node agent's certificate is always verified."),
            query("limitBytes", "integer", "If set, the number of bytes to read from the server before terminating "
                    + "the log output. This may not display a complete final line of logging, and may return "
                    + "slightly more or slightly less than the specified limit."),
            query("previous", "boolean", "Return previous terminated container logs. Defaults to false."),
            query("sinceSeconds", "integer", "A relative time in seconds before the current time from which to "
                    + "show logs. If this value precedes the time a pod was started, only logs since the pod start "
                    + "will be returned. If this value is in the future, no logs will be returned. Only one of "
                    + "sinceSeconds or sinceTime may be specified."),
            query("tailLines", "integer", "If set, the number of lines from the end of the logs to show. If not "
                    + "specified, logs are shown from the creation of the container or sinceSeconds or sinceTime"),
            query("timestamps", "boolean", "If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of "
                    + "every line of log output. Defaults to false."));
    /** Parameters of {@code pods/exec}: Kubernetes' PodExecOptions. */
    static final List<Parameter> POD_EXEC = List.of(
            query("command", "string", "Command is the remote command to execute. argv array. Not executed within "
                    + "a shell."),
            query("container", "string", "Container in which to execute the command. Defaults to only container if "
                    + "there is only one container in the pod."),
            query("stderr", "boolean", "Redirect the standard error stream of the pod for this call."),
            query("stdin", "boolean", "Redirect the standard input stream of the pod for this call. Defaults to "
                    + "false."),
            query("stdout", "boolean", "Redirect the standard output stream of the pod for this call."),
            query("tty", "boolean", "TTY if true indicates that a tty will be allocated for the exec call. Defaults "
                    + "to false."));

    /** Parameters of {@code list} (and of the deprecated {@code /watch/} paths). */
    static final List<Parameter> LIST = List.of(ALLOW_WATCH_BOOKMARKS, CONTINUE, FIELD_SELECTOR, LABEL_SELECTOR,
            LIMIT, RESOURCE_VERSION, RESOURCE_VERSION_MATCH, SEND_INITIAL_EVENTS, TIMEOUT_SECONDS, WATCH);
    /** Parameters of {@code create} and {@code update}. */
    static final List<Parameter> WRITE = List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION);
    static final List<Parameter> PATCH = List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE);
    static final List<Parameter> DELETE = List.of(DRY_RUN, GRACE_PERIOD_SECONDS, ORPHAN_DEPENDENTS,
            PROPAGATION_POLICY);
    static final List<Parameter> DELETE_COLLECTION = List.of(CONTINUE, DRY_RUN, FIELD_SELECTOR, GRACE_PERIOD_SECONDS,
            LABEL_SELECTOR, LIMIT, ORPHAN_DEPENDENTS, PROPAGATION_POLICY, RESOURCE_VERSION, RESOURCE_VERSION_MATCH,
            SEND_INITIAL_EVENTS, TIMEOUT_SECONDS);

    /** The {@code {name}} path parameter: "name of the Pod". */
    static Parameter name(String kind) {
        return new Parameter("name", "path", "string", true, "name of the " + kind);
    }

    private static Parameter query(String name, String type, String description) {
        return new Parameter(name, "query", type, false, description);
    }
}
