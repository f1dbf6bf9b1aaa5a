package io.berth.apimachinery.validation;

/** A field path printed as Kubernetes prints {@code field.Path}: {@code spec.containers[0].image}. Immutable. */
record FieldPath(String value) {

    static final FieldPath ROOT = new FieldPath("");

    static FieldPath of(String first, String... more) {
        FieldPath p = ROOT.child(first);
        for (String name : more) {
            p = p.child(name);
        }
        return p;
    }

    FieldPath child(String name) {
        return new FieldPath(value.isEmpty() ? name : value + "." + name);
    }

    FieldPath child(String name, String... more) {
        FieldPath p = child(name);
        for (String m : more) {
            p = p.child(m);
        }
        return p;
    }

    FieldPath index(int i) {
        return new FieldPath(value + "[" + i + "]");
    }

    FieldPath key(String key) {
        return new FieldPath(value + "[" + key + "]");
    }

    @Override
    public String toString() {
        return value;
    }
}
