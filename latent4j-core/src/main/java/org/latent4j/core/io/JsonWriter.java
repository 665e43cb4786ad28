package org.latent4j.core.io;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.latent4j.core.io.Json.Value;

/** Pretty and compact JSON text; see {@link Json} for the layout rules. */
final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonWriter() {}

    static String write(Value v, boolean pretty) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, pretty, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Value v, boolean pretty, int depth) {
        switch (v) {
            case Json.Obj o -> object(sb, o.members(), pretty, depth + 1);
            case Json.Arr a -> array(sb, a.items(), pretty, depth + 1);
            case Json.Str s -> quote(sb, s.value());
            case Json.Int i -> sb.append(i.value());
            // Double.toString is the shortest decimal that reads back to the same double (JDK 19+), and its
            // forms (1.0E300, -0.0, 1.0E-5) are all valid JSON numbers.
            case Json.Real r -> sb.append(r.value());
            case Json.Bool b -> sb.append(b.value());
            case Json.Null n -> sb.append("null");
        }
    }

    private static void checkDepth(int depth) {
        if (depth > Json.MAX_DEPTH) {
            throw new JsonException("cannot write JSON nested deeper than " + Json.MAX_DEPTH + " levels");
        }
    }

    private static void object(StringBuilder sb, Map<String, Value> members, boolean pretty, int depth) {
        checkDepth(depth);
        if (members.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        Iterator<Map.Entry<String, Value>> it = members.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Value> e = it.next();
            if (pretty) newline(sb, depth);
            quote(sb, e.getKey());
            sb.append(pretty ? ": " : ":");
            write(sb, e.getValue(), pretty, depth);
            if (it.hasNext()) sb.append(',');
        }
        if (pretty) newline(sb, depth - 1);
        sb.append('}');
    }

    private static void array(StringBuilder sb, List<Value> items, boolean pretty, int depth) {
        checkDepth(depth);
        if (items.isEmpty()) {
            sb.append("[]");
            return;
        }
        boolean inline = !pretty || items.stream().noneMatch(i -> i instanceof Json.Obj || i instanceof Json.Arr);
        sb.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) sb.append(pretty && inline ? ", " : ",");
            if (!inline) newline(sb, depth);
            write(sb, items.get(i), pretty, depth);
        }
        if (!inline) newline(sb, depth - 1);
        sb.append(']');
    }

    private static void newline(StringBuilder sb, int depth) {
        sb.append('\n');
        for (int i = 0; i < depth; i++) sb.append("  ");
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        quote(sb, s);
        return sb.toString();
    }

    /** Escapes as serde_json does: the two mandatory characters and control characters only. */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
