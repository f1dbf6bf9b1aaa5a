package io.berth.node.pods;

import java.util.Map;

/**
 * Kubernetes' {@code $(VAR)} expansion (the kubelet's {@code third_party/forked/golang/expansion}), used for a
 * container's {@code command}, {@code args} and {@code env} values: {@code $(NAME)} becomes the variable's value when
 * it is defined and stays as written when not; {@code $$} is an escaped {@code $}; a {@code $} before anything else,
 * or an unclosed {@code $(}, is copied as is. Values are never expanded twice.
 */
public final class Expansion {

    private Expansion() {
    }

    /** {@code input} with every {@code $(NAME)} found in {@code variables} replaced. */
    public static String expand(String input, Map<String, String> variables) {
        StringBuilder out = new StringBuilder(input.length());
        int checkpoint = 0;
        for (int cursor = 0; cursor < input.length(); cursor++) {
            if (input.charAt(cursor) != '$' || cursor + 1 >= input.length()) {
                continue;
            }
            out.append(input, checkpoint, cursor);
            char next = input.charAt(cursor + 1);
            int advance = 1;
            if (next == '$') {
                out.append('$');
            } else if (next == '(') {
                int close = input.indexOf(')', cursor + 2);
                if (close < 0) {
                    out.append("$(");
                } else {
                    String name = input.substring(cursor + 2, close);
                    String value = variables.get(name);
                    out.append(value != null ? value : "$(" + name + ")");
                    advance = close - cursor;
                }
            } else {
                out.append('$').append(next);
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        return out.append(input, checkpoint, input.length()).toString();
    }
}
