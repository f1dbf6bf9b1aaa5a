package io.berth.apimachinery.patch;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static io.berth.apimachinery.patch.Trees.assertStrategicPatch;
import static io.berth.apimachinery.patch.Trees.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of the Kubernetes task "Update API Objects in Place Using kubectl patch", with the results the page
 * shows (fields the server defaults are left out).
 */
class KubectlPatchExamplesTest {

    private static final String PATCH_DEMO = """
            metadata: {name: patch-demo}
            spec:
              replicas: 2
              selector: {matchLabels: {app: nginx}}
              template:
                metadata: {labels: {app: nginx}}
                spec:
                  containers:
                  - {name: patch-demo-ctr, image: nginx}
                  tolerations:
                  - {effect: NoSchedule, key: dedicated, value: test-team}
            """;

    @Test
    void aStrategicMergePatchAddsTheRedisContainerBeforeTheExistingOne() {
        assertStrategicPatch(Deployment.class, PATCH_DEMO,
                """
                spec:
                  template:
                    spec:
                      containers:
                      - {name: patch-demo-ctr-2, image: redis}
                """,
                PATCH_DEMO.replace("- {name: patch-demo-ctr, image: nginx}",
                        "- {name: patch-demo-ctr-2, image: redis}\n      - {name: patch-demo-ctr, image: nginx}"));
    }

    @Test
    void aStrategicMergePatchReplacesTolerationsWhichHaveNoPatchStrategy() {
        assertStrategicPatch(Deployment.class, PATCH_DEMO,
                """
                spec:
                  template:
                    spec:
                      tolerations:
                      - {effect: NoSchedule, key: disktype, value: ssd}
                """,
                PATCH_DEMO.replace("key: dedicated, value: test-team", "key: disktype, value: ssd"));
    }

    @Test
    void aJsonMergePatchReplacesTheContainerList() {
        JsonNodeAssert.given(PATCH_DEMO)
                .mergePatchedWith("""
                        spec:
                          template:
                            spec:
                              containers:
                              - {name: patch-demo-ctr-3, image: 'gcr.io/google-samples/hello-app:2.0'}
                        """)
                .isEqualTo(PATCH_DEMO.replace("{name: patch-demo-ctr, image: nginx}",
                        "{name: patch-demo-ctr-3, image: 'gcr.io/google-samples/hello-app:2.0'}"));
    }

    @Test
    void aStrategicMergePatchWithoutRetainKeysKeepsRollingUpdateNextToRecreate() {
        assertStrategicPatch(Deployment.class,
                "spec: {strategy: {rollingUpdate: {maxSurge: 30%}}}",
                "spec: {strategy: {type: Recreate}}",
                "spec: {strategy: {type: Recreate, rollingUpdate: {maxSurge: 30%}}}");
    }

    @Test
    void retainKeysClearsRollingUpdateWhenSwitchingToRecreate() {
        assertStrategicPatch(Deployment.class,
                "spec: {strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 30%, maxUnavailable: 25%}}}",
                """
                spec:
                  strategy:
                    $retainKeys:
                    - type
                    type: Recreate
                """,
                "spec: {strategy: {type: Recreate}}");
    }

    @Test
    void aMergePatchOnTheScaleSubresourceSetsReplicas() {
        JsonNodeAssert.given("{kind: Scale, spec: {replicas: 1}, status: {replicas: 1}}")
                .mergePatchedWith("{spec: {replicas: 3}}")
                .isEqualTo("{kind: Scale, spec: {replicas: 3}, status: {replicas: 1}}");
    }

    /** Reads a YAML target, merge-patches it, compares with YAML. */
    private record JsonNodeAssert(String target, String patch) {
        static JsonNodeAssert given(String target) {
            return new JsonNodeAssert(target, null);
        }

        JsonNodeAssert mergePatchedWith(String mergePatch) {
            return new JsonNodeAssert(target, mergePatch);
        }

        void isEqualTo(String expected) {
            assertThat(MergePatch.apply(yaml(target), yaml(patch))).isEqualTo(yaml(expected));
        }
    }
}
