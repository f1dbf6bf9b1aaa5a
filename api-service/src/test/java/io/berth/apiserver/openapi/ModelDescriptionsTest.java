package io.berth.apiserver.openapi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelDescriptionsTest {

    private final ModelDescriptions descriptions = new ModelDescriptions();

    @Test
    void readsClassAndFieldDocumentationWithoutLoadingTheModelClass() {
        ModelDescriptions.ModelDoc container = descriptions.of("V1Container").orElseThrow();

        assertThat(container.description()).isEqualTo("A single application container that you want to run within a pod.");
        assertThat(container.field("image").description()).startsWith("Container image name.");
        assertThat(container.field("name").required()).isTrue();
        assertThat(container.field("image").required()).isFalse();
    }

    @Test
    void mapsJsonNamesThroughSerializedNameEvenWhereJavaRenamesTheField() {
        ModelDescriptions.ModelDoc listMeta = descriptions.of("V1ListMeta").orElseThrow();

        assertThat(listMeta.field("continue").description()).contains("continue");
    }

    @Test
    void knowsWhichFieldsAreKubernetesTimes() {
        ModelDescriptions.ModelDoc meta = descriptions.of("V1ObjectMeta").orElseThrow();

        assertThat(meta.field("creationTimestamp").isTime()).isTrue();
        assertThat(meta.field("name").isTime()).isFalse();
    }

    @Test
    void answersEmptyForAClassTheModelDoesNotHave() {
        assertThat(descriptions.of("V1NoSuchKind")).isEmpty();
        assertThat(descriptions.exists("V1Pod")).isTrue();
    }
}
