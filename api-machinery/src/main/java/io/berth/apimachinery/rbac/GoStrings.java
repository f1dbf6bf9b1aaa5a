package io.berth.apimachinery.rbac;

import java.util.List;

/** Go's string formatting where Kubernetes' messages use it, so Berth's messages read byte for byte the same. */
final class GoStrings {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoStrings() {
    }

    /** Go's {@code %q}: double quotes, with quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        if (plain(s)) {
            return "\"" + s + "\"";
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\u0007' -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\u000b' -> b.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else if (c >= 0x80 && c <= 0x9f) {
                        b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || (c >= 0x7f && c <= 0x9f)) {
                return false;
            }
        }
        return true;
    }

    /** apimachinery's {@code utilerrors.NewAggregate(errs).Error()}: one message as is, several deduplicated in brackets. */
    static String aggregate(List<String> messages) {
        if (messages.size() == 1) {
            return messages.get(0);
        }
        List<String> distinct = messages.stream().distinct().toList();
        return distinct.size() == 1 ? distinct.get(0) : "[" + String.join(", ", distinct) + "]";
    }
}
