package io.berth.apimachinery.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * The JSON and YAML mappers every Berth component uses for API objects (Jackson 3, like fabric8 8).
 *
 * <p>Decoding is strict about types, as Kubernetes' decoder is: a string where an integer belongs is an error,
 * not a coercion. Thread safe; the mappers are shared.
 */
public final class Json {

    private static final JsonMapper JSON = configure(JsonMapper.builder()).build();
    private static final YAMLMapper YAML = configure(YAMLMapper.builder())
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .build();
    private static final ObjectReader STRICT_TREE_READER =
            JSON.readerFor(JsonNode.class).with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private Json() {
    }

    private static <M extends ObjectMapper, B extends tools.jackson.databind.cfg.MapperBuilder<M, B>> B configure(B b) {
        return b.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.NON_NULL));
    }

    public static JsonMapper mapper() {
        return JSON;
    }

    public static YAMLMapper yaml() {
        return YAML;
    }

    public static byte[] write(Object value) {
        return JSON.writeValueAsBytes(value);
    }

    public static String writeString(Object value) {
        return JSON.writeValueAsString(value);
    }

    public static String writeYaml(Object value) {
        return YAML.writeValueAsString(value);
    }

    public static <T> T read(byte[] bytes, Class<T> type) {
        return JSON.readValue(bytes, type);
    }

    public static JsonNode tree(byte[] bytes) {
        return JSON.readTree(bytes);
    }

    /** Parses JSON, refusing duplicate keys (the {@code fieldValidation=Strict} reading). */
    public static JsonNode strictTree(byte[] bytes) {
        return STRICT_TREE_READER.readValue(bytes);
    }

    public static JsonNode yamlTree(byte[] bytes) {
        return YAML.readTree(bytes);
    }

    public static <T> T convert(JsonNode node, Class<T> type) {
        return JSON.treeToValue(node, type);
    }

    public static ObjectNode toTree(Object value) {
        return JSON.valueToTree(value);
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** A deep copy through JSON: for fabric8 objects, whose builders copy only one level of some fields. */
    @SuppressWarnings("unchecked")
    public static <T> T deepCopy(T value) {
        return (T) JSON.treeToValue(JSON.valueToTree(value), value.getClass());
    }

    /** True when the exception came from reading or mapping JSON (a client's fault, not the server's). */
    public static boolean isDecodeError(Throwable t) {
        return t instanceof JacksonException;
    }
}
