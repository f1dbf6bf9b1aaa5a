package io.berth.apimachinery.rbac;

/**
 * The message of the 403 Forbidden {@code Status} for a refused request, worded as kube-apiserver words it
 * ({@code responsewriters.Forbidden} wrapping {@code apierrors.NewForbidden}), so clients and scripts that match on
 * it keep working:
 * <pre>
 * pods "x" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "a"
 * nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope
 * forbidden: User "alice" cannot get path "/foo"
 * </pre>
 * A non-empty reason is appended after {@code ": "}. Stateless.
 */
public final class Forbidden {

    private Forbidden() {
    }

    public static String message(Attributes a, String reason) {
        String detail = sanitize(describe(a));
        if (reason != null && !reason.isEmpty()) {
            detail = detail + ": " + reason;
        }
        // apierrors.NewForbidden names the group-resource (without the subresource) and the object, when known
        if (a.apiGroup().isEmpty() && a.resource().isEmpty()) {
            return "forbidden: " + detail;
        }
        String groupResource = a.apiGroup().isEmpty() ? a.resource() : a.resource() + "." + a.apiGroup();
        if (a.name().isEmpty()) {
            return groupResource + " is forbidden: " + detail;
        }
        return groupResource + " " + GoStrings.quote(a.name()) + " is forbidden: " + detail;
    }

    private static String describe(Attributes a) {
        String user = GoStrings.quote(a.user() == null ? "" : a.user().name());
        if (!a.resourceRequest()) {
            return "User " + user + " cannot " + a.verb() + " path " + GoStrings.quote(a.path());
        }
        String resource = a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
        String what = "User " + user + " cannot " + a.verb() + " resource " + GoStrings.quote(resource)
                + " in API group " + GoStrings.quote(a.apiGroup());
        return a.namespace().isEmpty()
                ? what + " at the cluster scope"
                : what + " in the namespace " + GoStrings.quote(a.namespace());
    }

    // kube-apiserver escapes these so that a name echoed into an HTML-rendering client cannot inject markup
    private static String sanitize(String s) {
        if (s.indexOf('&') < 0 && s.indexOf('<') < 0 && s.indexOf('>') < 0) {
            return s;
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
