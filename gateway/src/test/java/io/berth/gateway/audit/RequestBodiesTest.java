package io.berth.gateway.audit;

import io.berth.apimachinery.json.Json;
import io.berth.apimachinery.request.RequestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What of a request body the trail keeps: Secrets only redacted, never raw; other bodies as sent. */
class RequestBodiesTest {

    private static final String SECRETS = "/api/v1/namespaces/team/secrets";
    private static final String SECRET = SECRETS + "/db";
    private static final String JSON = "application/json";
    private static final String YAML = "application/yaml";
    private static final String MERGE = "application/merge-patch+json";
    private static final String STRATEGIC = "application/strategic-merge-patch+json";
    private static final String JSON_PATCH = "application/json-patch+json";
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    /**
     * @param expectedJson the kept body, compared as JSON; null when the raw text or a note is expected
     * @param expectedRaw  the kept body, compared as text
     * @param expectedNote the note saying why nothing is kept
     */
    record Case(String name, String method, String path, String contentType, String body, boolean truncated,
                String expectedJson, String expectedRaw, String expectedNote) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case kept(String name, String method, String path, String type, String body, String expectedJson) {
        return new Case(name, method, path, type, body, false, expectedJson, null, null);
    }

    static Case raw(String name, String method, String path, String type, String body, boolean truncated) {
        return new Case(name, method, path, type, body, truncated, null, body, null);
    }

    static Case refused(String name, String method, String path, String type, String body, boolean truncated,
                        String note) {
        return new Case(name, method, path, type, body, truncated, null, null, note);
    }

    static Stream<Case> cases() {
        String lastApplied = "{\\\"apiVersion\\\":\\\"v1\\\",\\\"kind\\\":\\\"Secret\\\",\\\"data\\\":{\\\"password\\\":\\\"aHVudGVyMg==\\\"}}";
        String lastAppliedRedacted = "{\\\"apiVersion\\\":\\\"v1\\\",\\\"kind\\\":\\\"Secret\\\",\\\"data\\\":{\\\"password\\\":\\\"<redacted>\\\"}}";
        return Stream.of(
                kept("a created Secret keeps its keys, not its values", "POST", SECRETS, JSON, """
                        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"type":"Opaque",
                         "data":{"password":"aHVudGVyMg==","user":"YWRtaW4="},"stringData":{"token":"hunter2"}}""", """
                        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"type":"Opaque",
                         "data":{"password":"<redacted>","user":"<redacted>"},"stringData":{"token":"<redacted>"}}"""),
                kept("a Secret in YAML is parsed and kept redacted as JSON", "POST", SECRETS, YAML, """
                        apiVersion: v1
                        kind: Secret
                        metadata:
                          name: db
                        stringData:
                          password: hunter2
                        """, """
                        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"stringData":{"password":"<redacted>"}}"""),
                kept("an update's last-applied annotation keeps the applied keys only", "PUT", SECRET, JSON,
                        "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\",\"annotations\":{\"" + LAST_APPLIED + "\":\""
                                + lastApplied + "\"}},\"data\":{\"password\":\"aHVudGVyMg==\"}}",
                        "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\",\"annotations\":{\"" + LAST_APPLIED + "\":\""
                                + lastAppliedRedacted + "\"}},\"data\":{\"password\":\"<redacted>\"}}"),
                kept("an unreadable last-applied annotation is replaced whole", "PUT", SECRET, JSON,
                        "{\"metadata\":{\"annotations\":{\"" + LAST_APPLIED + "\":\"password=hunter2\"}}}",
                        "{\"metadata\":{\"annotations\":{\"" + LAST_APPLIED + "\":\"<redacted>\"}}}"),
                kept("a merge patch keeps removals (null) and redacts values", "PATCH", SECRET, MERGE, """
                        {"data":{"password":"aHVudGVyMg==","old":null},"metadata":{"labels":{"tier":"db"}}}""", """
                        {"data":{"password":"<redacted>","old":null},"metadata":{"labels":{"tier":"db"}}}"""),
                kept("a strategic merge patch keeps its $patch directive", "PATCH", SECRET, STRATEGIC, """
                        {"data":{"$patch":"replace","password":"aHVudGVyMg=="},"stringData":{"token":"t"}}""", """
                        {"data":{"$patch":"replace","password":"<redacted>"},"stringData":{"token":"<redacted>"}}"""),
                kept("kubectl apply's strategic merge patch redacts the annotation too", "PATCH", SECRET, STRATEGIC,
                        "{\"metadata\":{\"annotations\":{\"" + LAST_APPLIED + "\":\"" + lastApplied
                                + "\"}},\"data\":{\"password\":\"aHVudGVyMg==\"}}",
                        "{\"metadata\":{\"annotations\":{\"" + LAST_APPLIED + "\":\"" + lastAppliedRedacted
                                + "\"}},\"data\":{\"password\":\"<redacted>\"}}"),
                kept("a data field that is not a map is redacted whole", "PATCH", SECRET, MERGE, """
                        {"data":"aHVudGVyMg=="}""", """
                        {"data":"<redacted>"}"""),
                kept("a JSON patch redacts values under /data and /stringData", "PATCH", SECRET, JSON_PATCH, """
                        [{"op":"add","path":"/data/password","value":"aHVudGVyMg=="},
                         {"op":"replace","path":"/data","value":{"a":"YQ==","b":"Yg=="}},
                         {"op":"add","path":"/stringData/a~1b","value":"hunter2"},
                         {"op":"test","path":"/data/password","value":"aHVudGVyMg=="},
                         {"op":"remove","path":"/data/old"},
                         {"op":"add","path":"/metadata/labels/tier","value":"db"}]""", """
                        [{"op":"add","path":"/data/password","value":"<redacted>"},
                         {"op":"replace","path":"/data","value":{"a":"<redacted>","b":"<redacted>"}},
                         {"op":"add","path":"/stringData/a~1b","value":"<redacted>"},
                         {"op":"test","path":"/data/password","value":"<redacted>"},
                         {"op":"remove","path":"/data/old"},
                         {"op":"add","path":"/metadata/labels/tier","value":"db"}]"""),
                kept("a JSON patch of the whole object (\"\" or \"/\") redacts its data", "PATCH", SECRET, JSON_PATCH, """
                        [{"op":"replace","path":"","value":{"kind":"Secret","data":{"a":"YQ=="}}},
                         {"op":"replace","path":"/","value":{"stringData":{"b":"hunter2"},"type":"Opaque"}}]""", """
                        [{"op":"replace","path":"","value":{"kind":"Secret","data":{"a":"<redacted>"}}},
                         {"op":"replace","path":"/","value":{"stringData":{"b":"<redacted>"},"type":"Opaque"}}]"""),
                kept("a JSON patch of the annotations redacts last-applied", "PATCH", SECRET, JSON_PATCH,
                        "[{\"op\":\"replace\",\"path\":\"/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration\","
                                + "\"value\":\"" + lastApplied + "\"},"
                                + "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"" + LAST_APPLIED
                                + "\":\"" + lastApplied + "\",\"team\":\"db\"}},"
                                + "{\"op\":\"add\",\"path\":\"/metadata\",\"value\":{\"annotations\":{\"" + LAST_APPLIED
                                + "\":\"x\"}}}]",
                        "[{\"op\":\"replace\",\"path\":\"/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration\","
                                + "\"value\":\"" + lastAppliedRedacted + "\"},"
                                + "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"" + LAST_APPLIED
                                + "\":\"" + lastAppliedRedacted + "\",\"team\":\"db\"}},"
                                + "{\"op\":\"add\",\"path\":\"/metadata\",\"value\":{\"annotations\":{\"" + LAST_APPLIED
                                + "\":\"<redacted>\"}}}]"),
                kept("a JSON patch operation without a string path is redacted whole", "PATCH", SECRET, JSON_PATCH, """
                        [{"op":"add","path":7,"value":{"x":"y"}}]""", """
                        [{"op":"add","path":7,"value":"<redacted>"}]"""),
                refused("a JSON patch that is not an array of operations is not kept", "PATCH", SECRET, JSON_PATCH, """
                        {"data":{"a":"YQ=="}}""", false, "body not recorded: unparseable secret payload"),
                kept("a List of Secrets is redacted item by item", "POST", SECRETS, JSON, """
                        {"kind":"List","items":[{"kind":"Secret","data":{"a":"YQ=="}},{"kind":"Secret","stringData":{"b":"c"}}]}""", """
                        {"kind":"List","items":[{"kind":"Secret","data":{"a":"<redacted>"}},{"kind":"Secret","stringData":{"b":"<redacted>"}}]}"""),
                refused("an unparseable Secret is not kept", "POST", SECRETS, YAML,
                        "kind: Secret\ndata: {password: [aHVudGVyMg==\n", false,
                        "body not recorded: unparseable secret payload"),
                refused("a truncated Secret is not kept", "POST", SECRETS, JSON,
                        "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVy", true,
                        "body not recorded: unparseable secret payload"),
                refused("a protobuf Secret is not kept", "POST", SECRETS, "application/vnd.kubernetes.protobuf",
                        "k8s\u0000\n\u0002v1\u0012\u0006Secret password hunter2", false,
                        "body not recorded: unparseable secret payload"),
                refused("a Secret without a content type that is neither JSON nor YAML is not kept", "POST", SECRETS,
                        null, "{password: [", false, "body not recorded: unparseable secret payload"),
                kept("a Secret without a content type is read as JSON or YAML", "POST", SECRETS, null,
                        "kind: Secret\nstringData:\n  password: hunter2\n",
                        "{\"kind\":\"Secret\",\"stringData\":{\"password\":\"<redacted>\"}}"),
                kept("a TokenReview's token is redacted", "POST", "/apis/authentication.k8s.io/v1/tokenreviews", JSON, """
                        {"kind":"TokenReview","spec":{"token":"eyJhbGciOi","audiences":["api"]}}""", """
                        {"kind":"TokenReview","spec":{"token":"<redacted>","audiences":["api"]}}"""),
                raw("a ConfigMap is kept exactly as sent", "POST", "/api/v1/namespaces/team/configmaps", JSON,
                        "{\"kind\": \"ConfigMap\",\n \"data\": {\"password\": \"not a secret\"}}", false),
                raw("a truncated ConfigMap keeps its beginning", "PUT", "/api/v1/namespaces/team/configmaps/c", JSON,
                        "{\"kind\": \"ConfigMap\", \"data\": {\"a\": \"aaaa", true),
                raw("a ConfigMap holding a Secret manifest as text is kept", "POST", "/api/v1/namespaces/team/configmaps",
                        JSON, "{\"kind\":\"ConfigMap\",\"data\":{\"s.yaml\":\"kind: Secret\\ndata: {}\"}}", false),
                kept("a Secret sent to another resource is redacted all the same", "POST",
                        "/api/v1/namespaces/team/configmaps", JSON, """
                        {"kind":"Secret","data":{"a":"YQ=="}}""", """
                        {"kind":"Secret","data":{"a":"<redacted>"}}"""),
                kept("a List holding a Secret sent elsewhere is redacted", "POST", "/apis/apps/v1/namespaces/team/deployments",
                        JSON, """
                        {"kind":"List","items":[{"kind":"ConfigMap","data":{"a":"b"}},{"kind":"Secret","data":{"a":"YQ=="}}]}""", """
                        {"kind":"List","items":[{"kind":"ConfigMap","data":{"a":"b"}},{"kind":"Secret","data":{"a":"<redacted>"}}]}"""),
                refused("an unparseable body that looks like a Secret is not kept", "POST",
                        "/api/v1/namespaces/team/configmaps", JSON, "{\"kind\": \"Secret\", \"data\": {\"a\": \"YQ", true,
                        "body not recorded: unparseable secret payload"),
                refused("a protobuf Pod is not kept", "POST", "/api/v1/namespaces/team/pods",
                        "application/vnd.kubernetes.protobuf", "k8s\u0000\n\u0002v1\u0012\u0003Pod", false,
                        "body not recorded: application/vnd.kubernetes.protobuf payload"),
                refused("a gzip body is not kept", "POST", SECRETS, "application/json+gzip-encoded", "\u001f\u008b", false,
                        "body not recorded: unparseable secret payload"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theTrailKeeps(Case c) {
        RequestInfo info = RequestInfo.parse(c.method(), c.path(), null);
        CapturedBody body = new CapturedBody(c.body().getBytes(StandardCharsets.UTF_8), c.truncated(), c.contentType(),
                null);

        RecordedBody recorded = RequestBodies.record(info, body);

        if (c.expectedNote() != null) {
            assertThat(recorded.text()).isNull();
            assertThat(recorded.note()).isEqualTo(c.expectedNote());
        } else if (c.expectedRaw() != null) {
            assertThat(recorded.text()).isEqualTo(c.expectedRaw());
            assertThat(recorded.truncated()).isEqualTo(c.truncated());
            assertThat(recorded.note()).isNull();
        } else {
            assertThat(recorded.note()).isNull();
            assertThat(Json.tree(recorded.text().getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(Json.tree(c.expectedJson().getBytes(StandardCharsets.UTF_8)));
        }
        if (c.path().contains("secrets") || c.body().contains("Secret")) {
            assertThat(String.valueOf(recorded.text())).doesNotContain("aHVudGVyMg==", "hunter2", "YQ==");
        }
    }

    @org.junit.jupiter.api.Test
    void aSecondYamlDocumentIsNeverKeptRawWhenItMayHoldASecret() {
        RequestInfo info = RequestInfo.parse("POST", "/api/v1/namespaces/team/configmaps", null);
        String yaml = "kind: ConfigMap\ndata: {a: b}\n---\nkind: Secret\nstringData: {password: hunter2}\n";

        RecordedBody recorded = RequestBodies.record(info, new CapturedBody(yaml.getBytes(StandardCharsets.UTF_8),
                false, YAML, null));

        assertThat(String.valueOf(recorded.text())).doesNotContain("hunter2");
    }

    @org.junit.jupiter.api.Test
    void anEncodedBodyIsNotKept() {
        RequestInfo info = RequestInfo.parse("POST", "/api/v1/namespaces/team/configmaps", null);

        RecordedBody recorded = RequestBodies.record(info, new CapturedBody(new byte[] {0x1f, (byte) 0x8b}, false, JSON,
                "gzip"));

        assertThat(recorded).isEqualTo(RecordedBody.notRecorded("content encoding gzip"));
    }
}
