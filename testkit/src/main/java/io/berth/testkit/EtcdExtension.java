package io.berth.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * One real etcd per test class ({@link EtcdProcess#start()}), injected into test parameters and into fields of
 * type {@link EtcdProcess} (static ones before {@code @BeforeAll}, instance ones when an instance is created):
 *
 * <pre>{@code
 * @ExtendWith(EtcdExtension.class)
 * class EtcdStoreTest {
 *     EtcdProcess etcd;                        // injected
 *     @Test void createsAnObject(EtcdProcess etcd) { ... }   // the same etcd
 * }
 * }</pre>
 *
 * <p>The etcd starts before the class's first test and is closed (stopped, data deleted) after its last, so
 * the tests of one class share state and different classes never do. {@code @Nested} classes share their
 * enclosing class's etcd.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, TestInstancePostProcessor, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EtcdExtension.class);
    private static final String KEY = "etcd";

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        EtcdProcess etcd = etcd(context);
        for (Field field : fieldsOfType(context.getRequiredTestClass(), true)) {
            field.set(null, etcd);
        }
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws IllegalAccessException {
        // With @TestInstance(PER_CLASS) this runs before beforeAll, hence the lazy start in etcd().
        EtcdProcess etcd = etcd(context);
        for (Field field : fieldsOfType(testInstance.getClass(), false)) {
            field.set(testInstance, etcd);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Only the class that started the etcd closes it: a @Nested class's afterAll must leave it to its outer class.
        EtcdProcess owned = context.getStore(NAMESPACE).remove(ownerKey(context), EtcdProcess.class);
        if (owned != null) {
            context.getStore(NAMESPACE).remove(KEY);
            owned.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EtcdProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return etcd(extensionContext);
    }

    /** The class's etcd: an enclosing class's if there is one (store lookups ascend), else started now. */
    private static EtcdProcess etcd(ExtensionContext context) {
        EtcdProcess existing = context.getStore(NAMESPACE).get(KEY, EtcdProcess.class);
        if (existing != null) {
            return existing;
        }
        ExtensionContext classContext = classContext(context);
        EtcdProcess started = EtcdProcess.start();
        ExtensionContext.Store store = classContext.getStore(NAMESPACE);
        store.put(KEY, started);
        store.put(ownerKey(classContext), started);
        return started;
    }

    private static String ownerKey(ExtensionContext classContext) {
        return KEY + ".owner." + classContext.getUniqueId();
    }

    /** The nearest class-level context: the one whose store lives as long as the test class. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() || current.getTestClass().isEmpty()) {
            current = current.getParent().orElseThrow(() ->
                    new ExtensionConfigurationException("EtcdExtension needs a test class: register it on one"));
        }
        return current;
    }

    private static List<Field> fieldsOfType(Class<?> type, boolean statics) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType() == EtcdProcess.class && Modifier.isStatic(field.getModifiers()) == statics
                        && !Modifier.isFinal(field.getModifiers())) {
                    field.setAccessible(true);
                    fields.add(field);
                }
            }
        }
        return fields;
    }
}
