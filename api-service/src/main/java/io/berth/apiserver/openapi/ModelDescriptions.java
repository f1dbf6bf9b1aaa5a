package io.berth.apiserver.openapi;

import org.springframework.asm.AnnotationVisitor;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.FieldVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.SpringAsmInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The documentation of Kubernetes' API types, read from the official Kubernetes Java model
 * ({@code io.kubernetes:client-java-api}, generated from Kubernetes' own OpenAPI document): class descriptions
 * from {@code @ApiModel(description=...)}, field descriptions and {@code required} from
 * {@code @ApiModelProperty} on getters, JSON names from {@code @SerializedName} on fields.
 *
 * <p>The classes are read as bytes with ASM and never loaded: the model's own dependencies (gson, swagger,
 * okhttp) are not on the classpath. Each class is read at most once, on first use; thread safe.
 */
final class ModelDescriptions {

    static final String MODEL_PACKAGE = "io.kubernetes.client.openapi.models.";

    private static final String API_MODEL = "Lio/swagger/annotations/ApiModel;";
    private static final String API_MODEL_PROPERTY = "Lio/swagger/annotations/ApiModelProperty;";
    private static final String SERIALIZED_NAME = "Lcom/google/gson/annotations/SerializedName;";

    /** One documented field of an official model class. {@code javaType} is the field's JVM (generic) signature. */
    record FieldDoc(String description, boolean required, String javaType) {

        /** True when Kubernetes types the field as {@code metav1.Time} (the Java model's OffsetDateTime). */
        boolean isTime() {
            return "Ljava/time/OffsetDateTime;".equals(javaType);
        }

        /** True when Kubernetes types the field (or its elements) as {@code []byte}: base64 in JSON. */
        boolean isBytes() {
            return javaType != null && javaType.contains("[B");
        }
    }

    /** The documentation of one model class; {@code fields} is keyed by JSON name. */
    record ModelDoc(String className, String description, Map<String, FieldDoc> fields) {
        static final ModelDoc NONE = new ModelDoc(null, null, Map.of());

        FieldDoc field(String jsonName) {
            return fields.get(jsonName);
        }
    }

    private final ClassLoader loader;
    private final Map<String, Optional<ModelDoc>> cache = new ConcurrentHashMap<>();

    ModelDescriptions() {
        this(ModelDescriptions.class.getClassLoader());
    }

    ModelDescriptions(ClassLoader loader) {
        this.loader = loader;
    }

    /** True when the official model has a class of this simple name (e.g. {@code V1Container}). */
    boolean exists(String simpleName) {
        return loader.getResource(resourceName(simpleName)) != null;
    }

    /** The documentation of {@code V1Container}-style simple class name, or empty when there is no such class. */
    Optional<ModelDoc> of(String simpleName) {
        return cache.computeIfAbsent(simpleName, this::read);
    }

    private Optional<ModelDoc> read(String simpleName) {
        try (InputStream in = loader.getResourceAsStream(resourceName(simpleName))) {
            if (in == null) {
                return Optional.empty();
            }
            Collector collector = new Collector();
            new ClassReader(in).accept(collector, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG
                    | ClassReader.SKIP_FRAMES);
            return Optional.of(collector.toDoc(simpleName));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + simpleName + " from the Kubernetes model", e);
        }
    }

    private static String resourceName(String simpleName) {
        return (MODEL_PACKAGE + simpleName).replace('.', '/') + ".class";
    }

    /** Field and getter names match after dropping case, {@code _} and {@code $}: {@code _continue} ~ {@code getContinue}. */
    private static String normalize(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                b.append(c);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static final class FieldInfo {
        String jsonName;
        String descriptor;
        boolean nonnull;
    }

    private static final class GetterInfo {
        String description;
        boolean required;
    }

    private static final class Collector extends ClassVisitor {
        private String classDescription;
        private final Map<String, FieldInfo> fields = new LinkedHashMap<>();
        private final Map<String, GetterInfo> getters = new HashMap<>();

        Collector() {
            super(SpringAsmInfo.ASM_VERSION);
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            if (!API_MODEL.equals(descriptor)) {
                return null;
            }
            return new AnnotationVisitor(SpringAsmInfo.ASM_VERSION) {
                @Override
                public void visit(String name, Object value) {
                    if ("description".equals(name) && value instanceof String s && !s.isBlank()) {
                        classDescription = s;
                    }
                }
            };
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            if ((access & Opcodes.ACC_STATIC) != 0) {
                return null;
            }
            FieldInfo info = new FieldInfo();
            info.descriptor = signature != null ? signature : descriptor;
            fields.put(normalize(name), info);
            return new FieldVisitor(SpringAsmInfo.ASM_VERSION) {
                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    if (annotation.endsWith("/Nonnull;")) {
                        info.nonnull = true;
                        return null;
                    }
                    if (!SERIALIZED_NAME.equals(annotation)) {
                        return null;
                    }
                    return new AnnotationVisitor(SpringAsmInfo.ASM_VERSION) {
                        @Override
                        public void visit(String key, Object v) {
                            if ("value".equals(key)) {
                                info.jsonName = (String) v;
                            }
                        }
                    };
                }
            };
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            if (!Modifier.isPublic(access) || !descriptor.startsWith("()")) {
                return null;
            }
            String property;
            if (name.startsWith("get") && name.length() > 3) {
                property = name.substring(3);
            } else if (name.startsWith("is") && name.length() > 2) {
                property = name.substring(2);
            } else {
                return null;
            }
            return new MethodVisitor(SpringAsmInfo.ASM_VERSION) {
                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    if (!API_MODEL_PROPERTY.equals(annotation)) {
                        return null;
                    }
                    GetterInfo info = getters.computeIfAbsent(normalize(property), k -> new GetterInfo());
                    return new AnnotationVisitor(SpringAsmInfo.ASM_VERSION) {
                        @Override
                        public void visit(String key, Object v) {
                            if ("value".equals(key) && v instanceof String s && !s.isBlank()) {
                                info.description = s;
                            } else if ("required".equals(key) && v instanceof Boolean b) {
                                info.required = b;
                            }
                        }
                    };
                }
            };
        }

        ModelDoc toDoc(String className) {
            Map<String, FieldDoc> docs = new LinkedHashMap<>();
            fields.forEach((normalized, field) -> {
                if (field.jsonName == null) {
                    return;
                }
                GetterInfo getter = getters.get(normalized);
                String description = getter == null ? null : getter.description;
                boolean required = getter != null && getter.required || field.nonnull;
                docs.put(field.jsonName, new FieldDoc(description, required, field.descriptor));
            });
            return new ModelDoc(className, classDescription, Collections.unmodifiableMap(docs));
        }
    }
}
