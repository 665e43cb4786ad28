package org.latent4j.core.io;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.latent4j.core.io.Json.Cursor;
import org.latent4j.core.io.Json.Value;

/** Reflection-based mapping between records (and plain Java values) and JSON; rules in {@link Json}. */
final class JsonMapper {
    private JsonMapper() {}

    private static final String SUPPORTED = "boolean, int, long, float, double (and boxes), String, enums, arrays, "
            + "List<T>, Map<String, T>, Optional<T>, OptionalInt/Long/Double, records and Json.Value";

    /** What reflection finds once per record class. */
    private record RecordInfo(Class<?> type, RecordComponent[] components, Method[] accessors, Constructor<?> constructor,
                              Method defaults, Set<String> names) {}

    private static final ClassValue<RecordInfo> RECORDS = new ClassValue<>() {
        @Override
        protected RecordInfo computeValue(Class<?> type) {
            RecordComponent[] comps = type.getRecordComponents();
            Method[] accessors = new Method[comps.length];
            Class<?>[] types = new Class<?>[comps.length];
            Set<String> names = new LinkedHashSet<>();
            for (int i = 0; i < comps.length; i++) {
                accessors[i] = comps[i].getAccessor();
                accessors[i].setAccessible(true);
                types[i] = comps[i].getType();
                names.add(comps[i].getName());
            }
            try {
                Constructor<?> ctor = type.getDeclaredConstructor(types);
                ctor.setAccessible(true);
                Method defaults = null;
                try {
                    Method m = type.getDeclaredMethod("defaults");
                    if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == type) {
                        m.setAccessible(true);
                        defaults = m;
                    }
                } catch (NoSuchMethodException none) {
                    // no defaults: every non-Optional key is required
                }
                return new RecordInfo(type, comps, accessors, ctor, defaults, Collections.unmodifiableSet(names));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
            }
        }
    };

    // ------------------------------------------------------------------ Java -> JSON

    static Value toJson(Object value, boolean nonFiniteAsNull) {
        String root = value != null && value.getClass().isRecord() ? value.getClass().getSimpleName() : "value";
        return toJson(value, root, 0, nonFiniteAsNull);
    }

    private static Value toJson(Object v, String path, int depth, boolean lenient) {
        if (depth > Json.MAX_DEPTH) {
            throw new JsonException("toJson: " + path + " is nested deeper than " + Json.MAX_DEPTH + " levels (a cycle?)");
        }
        return switch (v) {
            case null -> Json.NULL;
            case Value j -> j;
            case String s -> str(s, path);
            case Boolean b -> new Json.Bool(b);
            case Integer i -> new Json.Int(i);
            case Long l -> new Json.Int(l);
            case Short s -> new Json.Int(s);
            case Byte b -> new Json.Int(b);
            // through Float.toString so that 0.1f is written 0.1, which reads back to the same float
            case Float f -> real(f.isNaN() || f.isInfinite() ? Double.NaN : Double.parseDouble(Float.toString(f)), f.isNaN() || f.isInfinite(), f, path, lenient);
            case Double d -> real(d, !Double.isFinite(d), d, path, lenient);
            case Enum<?> e -> new Json.Str(e.name());
            case Optional<?> o -> o.isPresent() ? toJson(o.get(), path, depth, lenient) : Json.NULL;
            case OptionalInt o -> o.isPresent() ? new Json.Int(o.getAsInt()) : Json.NULL;
            case OptionalLong o -> o.isPresent() ? new Json.Int(o.getAsLong()) : Json.NULL;
            case OptionalDouble o -> o.isPresent() ? real(o.getAsDouble(), !Double.isFinite(o.getAsDouble()), o.getAsDouble(), path, lenient) : Json.NULL;
            case Record r -> record(r, path, depth, lenient);
            case Map<?, ?> m -> {
                Map<String, Value> members = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new JsonException("toJson: " + path + " is a Map with a key " + e.getKey() + " that is not a String");
                    }
                    members.put(key, toJson(e.getValue(), Json.childPath(path, key), depth + 1, lenient));
                }
                yield new Json.Obj(members);
            }
            case Iterable<?> it -> {
                List<Value> items = new ArrayList<>();
                for (Object o : it) items.add(toJson(o, path + "[" + items.size() + "]", depth + 1, lenient));
                yield new Json.Arr(items);
            }
            default -> {
                if (!v.getClass().isArray()) {
                    throw new JsonException("toJson: " + path + " is a " + v.getClass().getName() + ", which has no JSON form; supported: " + SUPPORTED);
                }
                int n = Array.getLength(v);
                List<Value> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) items.add(toJson(Array.get(v, i), path + "[" + i + "]", depth + 1, lenient));
                yield new Json.Arr(items);
            }
        };
    }

    private static Value str(String s, String path) {
        try {
            return new Json.Str(s);
        } catch (JsonException e) {
            throw new JsonException("toJson: " + path + ": " + e.getMessage(), e);
        }
    }

    private static Value real(double d, boolean nonFinite, Object original, String path, boolean lenient) {
        if (nonFinite && lenient) return Json.NULL;
        if (nonFinite) {
            throw new JsonException("toJson: " + path + " is " + original + ", but JSON has no NaN or Infinity (write null or a string instead)");
        }
        return new Json.Real(d);
    }

    private static Value record(Record r, String path, int depth, boolean lenient) {
        RecordInfo info = RECORDS.get(r.getClass());
        Map<String, Value> members = new LinkedHashMap<>();
        for (int i = 0; i < info.components.length; i++) {
            String name = info.components[i].getName();
            members.put(name, toJson(invoke(info.accessors[i], r), Json.childPath(path, name), depth + 1, lenient));
        }
        return new Json.Obj(members);
    }

    private static Object invoke(Method m, Object target) {
        try {
            return m.invoke(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }

    // ------------------------------------------------------------------ JSON -> Java

    static Object read(Cursor c, Type type) {
        if (type instanceof Class<?> k) return readClass(c, k);
        if (type instanceof WildcardType w) return read(c, w.getUpperBounds()[0]);
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (raw == Optional.class) return c.isNull() ? Optional.empty() : Optional.ofNullable(read(c, args[0]));
            if (c.isNull()) return null;
            if (raw == List.class || raw == Collection.class || raw == Iterable.class) {
                List<Object> out = new ArrayList<>();
                for (Cursor item : c.items()) out.add(read(item, args[0]));
                return Collections.unmodifiableList(out);
            }
            if (raw == Map.class && args[0] == String.class) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<String, Cursor> e : c.entries().entrySet()) out.put(e.getKey(), read(e.getValue(), args[1]));
                return Collections.unmodifiableMap(out);
            }
        }
        throw unsupported(c, type);
    }

    private static IllegalArgumentException unsupported(Cursor c, Type type) {
        return new IllegalArgumentException("fromJson: cannot map " + (c.path().isEmpty() ? "the top-level value" : c.path())
                + " to " + type.getTypeName() + "; supported: " + SUPPORTED);
    }

    private static Object readClass(Cursor c, Class<?> k) {
        if (c.isNull()) {
            if (k.isPrimitive()) throw c.fail("must be " + kind(k) + ", got null");
            if (k == OptionalInt.class) return OptionalInt.empty();
            if (k == OptionalLong.class) return OptionalLong.empty();
            if (k == OptionalDouble.class) return OptionalDouble.empty();
            if (k == Json.Null.class || k == Value.class) return c.value();
            return null;
        }
        if (k == int.class || k == Integer.class) return c.asInt();
        if (k == long.class || k == Long.class) return c.asLong();
        if (k == double.class || k == Double.class) return c.asDouble();
        if (k == float.class || k == Float.class) return c.asFloat();
        if (k == boolean.class || k == Boolean.class) return c.asBoolean();
        if (k == String.class) return c.asString();
        if (k == OptionalInt.class) return OptionalInt.of(c.asInt());
        if (k == OptionalLong.class) return OptionalLong.of(c.asLong());
        if (k == OptionalDouble.class) return OptionalDouble.of(c.asDouble());
        if (k.isEnum()) return enumValue(c, k);
        if (Value.class.isAssignableFrom(k)) {
            if (k.isInstance(c.value())) return c.value();
            throw c.fail("must be " + kind(k) + ", got " + Json.describe(c.value()));
        }
        if (k.isArray()) {
            List<Cursor> items = c.items();
            Object arr = Array.newInstance(k.getComponentType(), items.size());
            for (int i = 0; i < items.size(); i++) Array.set(arr, i, read(items.get(i), k.getComponentType()));
            return arr;
        }
        if (k.isRecord()) return readRecord(c, RECORDS.get(k));
        throw unsupported(c, k);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Cursor c, Class<?> k) {
        return c.asEnum((Class) k);
    }

    private static String kind(Class<?> k) {
        if (k == boolean.class) return "true or false";
        if (k == int.class || k == long.class) return "an integer";
        if (k.isPrimitive()) return "a number";
        if (k == Json.Obj.class) return "an object";
        if (k == Json.Arr.class) return "an array";
        if (k == Json.Str.class) return "a string";
        if (k == Json.Int.class) return "an integer";
        if (k == Json.Real.class) return "a non-integer number";
        if (k == Json.Bool.class) return "true or false";
        return "null";
    }

    private static Object readRecord(Cursor c, RecordInfo info) {
        Map<String, Value> members = c.asObject().members();
        List<String> unknown = new ArrayList<>();
        for (String key : members.keySet()) if (!info.names.contains(key)) unknown.add(key);
        List<String> missing = new ArrayList<>();
        Object defaults = null;
        for (RecordComponent comp : info.components) {
            if (members.containsKey(comp.getName())) continue;
            if (comp.isAnnotationPresent(Json.Required.class) || (info.defaults == null && !isOptional(comp.getType()))) missing.add(comp.getName());
        }
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            if (!unknown.isEmpty()) sb.append("has unknown ").append(Json.keyList(unknown));
            if (!missing.isEmpty()) sb.append(unknown.isEmpty() ? "" : " and ").append("is missing ").append(Json.keyList(missing));
            sb.append("; ").append(info.type.getSimpleName()).append(" has keys ").append(Json.quoteAll(info.names));
            throw c.fail(sb.toString());
        }
        Object[] args = new Object[info.components.length];
        for (int i = 0; i < args.length; i++) {
            RecordComponent comp = info.components[i];
            if (members.containsKey(comp.getName())) {
                args[i] = read(c.get(comp.getName()), comp.getGenericType());
            } else if (info.defaults != null) {
                if (defaults == null) defaults = invoke(info.defaults, null);
                args[i] = invoke(info.accessors[i], defaults);
            } else {
                args[i] = emptyOptional(comp.getType());
            }
        }
        try {
            return info.constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JsonException je) throw je;
            throw new JsonException(c.fail("is not a valid " + info.type.getSimpleName() + ": " + cause.getMessage()).getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + info.type.getName(), e);
        }
    }

    private static boolean isOptional(Class<?> k) {
        return k == Optional.class || k == OptionalInt.class || k == OptionalLong.class || k == OptionalDouble.class;
    }

    private static Object emptyOptional(Class<?> k) {
        if (k == OptionalInt.class) return OptionalInt.empty();
        if (k == OptionalLong.class) return OptionalLong.empty();
        if (k == OptionalDouble.class) return OptionalDouble.empty();
        return Optional.empty();
    }
}
