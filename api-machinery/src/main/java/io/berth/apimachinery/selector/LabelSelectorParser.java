package io.berth.apimachinery.selector;

import io.berth.apimachinery.selector.Requirement.Operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Kubernetes' label selector grammar (k8s.io/apimachinery/pkg/labels/selector.go): a lexer and a recursive descent
 * parser producing the same requirements and the same error texts. Not thread safe; one instance per parse.
 */
final class LabelSelectorParser {

    enum Token {
        ERROR, END, CLOSED_PAR, COMMA, DOES_NOT_EXIST, DOUBLE_EQUALS, EQUALS, GREATER_THAN, IDENTIFIER, IN, LESS_THAN,
        NOT_EQUALS, NOT_IN, OPEN_PAR
    }

    record Item(Token token, String literal) {
    }

    private static final Map<String, Token> LITERALS = Map.ofEntries(
            Map.entry(")", Token.CLOSED_PAR), Map.entry(",", Token.COMMA), Map.entry("!", Token.DOES_NOT_EXIST),
            Map.entry("==", Token.DOUBLE_EQUALS), Map.entry("=", Token.EQUALS), Map.entry(">", Token.GREATER_THAN),
            Map.entry("in", Token.IN), Map.entry("<", Token.LESS_THAN), Map.entry("!=", Token.NOT_EQUALS),
            Map.entry("notin", Token.NOT_IN), Map.entry("(", Token.OPEN_PAR));

    /** Thrown with Kubernetes' message; the caller turns it into a 400. */
    static final class ParseException extends RuntimeException {
        ParseException(String message) {
            super(message, null, false, false);
        }
    }

    private final String input;
    private int pos;
    private final List<Item> items = new ArrayList<>();
    private int position;

    LabelSelectorParser(String input) {
        this.input = input;
    }

    List<Requirement> parse() {
        scan();
        List<Requirement> requirements = new ArrayList<>();
        while (true) {
            Item next = lookahead(true);
            switch (next.token()) {
                case IDENTIFIER, DOES_NOT_EXIST -> {
                    Requirement r;
                    try {
                        r = parseRequirement();
                    } catch (ParseException e) {
                        throw new ParseException("unable to parse requirement: " + e.getMessage());
                    }
                    requirements.add(r);
                    Item after = consume(true);
                    switch (after.token()) {
                        case END -> {
                            return requirements;
                        }
                        case COMMA -> {
                            Item t2 = lookahead(true);
                            if (t2.token() != Token.IDENTIFIER && t2.token() != Token.DOES_NOT_EXIST) {
                                throw new ParseException("found '" + t2.literal() + "', expected: identifier after ','");
                            }
                        }
                        default -> throw new ParseException("found '" + after.literal()
                                + "', expected: ',' or 'end of string'");
                    }
                }
                case END -> {
                    return requirements;
                }
                default -> throw new ParseException("found '" + next.literal()
                        + "', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private Requirement parseRequirement() {
        Item item = consume(true);
        Operator operator = null;
        if (item.token() == Token.DOES_NOT_EXIST) {
            operator = Operator.DOES_NOT_EXIST;
            item = consume(true);
        }
        if (item.token() != Token.IDENTIFIER) {
            throw new ParseException("found '" + item.literal() + "', expected: identifier");
        }
        String key = item.literal();
        String keyError = LabelSelector.keyError(key, null);
        if (keyError != null) {
            throw new ParseException(keyError);
        }
        Token next = lookahead(true).token();
        if (next == Token.END || next == Token.COMMA) {
            if (operator != Operator.DOES_NOT_EXIST) {
                operator = Operator.EXISTS;
            }
        }
        if (operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST) {
            return LabelSelector.newRequirement(key, operator, List.of());
        }
        operator = parseOperator();
        List<String> values = switch (operator) {
            case IN, NOT_IN -> parseValues();
            default -> parseExactValue();
        };
        return LabelSelector.newRequirement(key, operator, values);
    }

    private Operator parseOperator() {
        Item item = consume(false);
        return switch (item.token()) {
            case IN -> Operator.IN;
            case EQUALS -> Operator.EQUALS;
            case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
            case GREATER_THAN -> Operator.GREATER_THAN;
            case LESS_THAN -> Operator.LESS_THAN;
            case NOT_IN -> Operator.NOT_IN;
            case NOT_EQUALS -> Operator.NOT_EQUALS;
            default -> throw new ParseException("found '" + item.literal() + "', expected: in, notin, =, ==, !=, gt, lt");
        };
    }

    private List<String> parseValues() {
        Item item = consume(true);
        if (item.token() != Token.OPEN_PAR) {
            throw new ParseException("found '" + item.literal() + "' expected: '('");
        }
        Item next = lookahead(true);
        switch (next.token()) {
            case IDENTIFIER, COMMA -> {
                List<String> values = parseIdentifiersList();
                if (consume(true).token() != Token.CLOSED_PAR) {
                    throw new ParseException("found '" + next.literal() + "', expected: ')'");
                }
                return values;
            }
            case CLOSED_PAR -> {
                consume(true);
                return List.of("");
            }
            default -> throw new ParseException("found '" + next.literal() + "', expected: ',', ')' or identifier");
        }
    }

    /** Values form a sorted set, as Kubernetes' {@code sets.String}: {@code (b,a,a)} is {@code [a, b]}. */
    private List<String> parseIdentifiersList() {
        TreeSet<String> values = new TreeSet<>();
        while (true) {
            Item item = consume(true);
            switch (item.token()) {
                case IDENTIFIER -> {
                    values.add(item.literal());
                    Item next = lookahead(true);
                    if (next.token() == Token.CLOSED_PAR) {
                        return new ArrayList<>(values);
                    }
                    if (next.token() != Token.COMMA) {
                        throw new ParseException("found '" + next.literal() + "', expected: ',' or ')'");
                    }
                }
                case COMMA -> {
                    if (values.isEmpty()) {
                        values.add(""); // "(,"
                    }
                    Token next = lookahead(true).token();
                    if (next == Token.CLOSED_PAR) {
                        values.add(""); // ",)"
                        return new ArrayList<>(values);
                    }
                    if (next == Token.COMMA) {
                        values.add(""); // ",,"
                    }
                }
                default -> throw new ParseException("found '" + item.literal() + "', expected: ',', or identifier");
            }
        }
    }

    private List<String> parseExactValue() {
        Token next = lookahead(true).token();
        if (next == Token.END || next == Token.COMMA) {
            return List.of("");
        }
        Item item = consume(true);
        if (item.token() == Token.IDENTIFIER) {
            return List.of(item.literal());
        }
        throw new ParseException("found '" + item.literal() + "', expected: identifier");
    }

    /** In a values context, {@code in} and {@code notin} are plain identifiers ({@code x in (in)}). */
    private Item lookahead(boolean values) {
        return asValue(items.get(position), values);
    }

    private Item consume(boolean values) {
        return asValue(items.get(position++), values);
    }

    private static Item asValue(Item item, boolean values) {
        if (values && (item.token() == Token.IN || item.token() == Token.NOT_IN)) {
            return new Item(Token.IDENTIFIER, item.literal());
        }
        return item;
    }

    private void scan() {
        while (true) {
            Item item = lex();
            items.add(item);
            if (item.token() == Token.END) {
                return;
            }
        }
    }

    private Item lex() {
        while (pos < input.length() && isWhitespace(input.charAt(pos))) {
            pos++;
        }
        if (pos >= input.length()) {
            return new Item(Token.END, "");
        }
        return isSpecial(input.charAt(pos)) ? scanSpecialSymbol() : scanIdOrKeyword();
    }

    private Item scanIdOrKeyword() {
        int start = pos;
        while (pos < input.length() && !isSpecial(input.charAt(pos)) && !isWhitespace(input.charAt(pos))) {
            pos++;
        }
        String s = input.substring(start, pos);
        Token literal = LITERALS.get(s);
        return literal != null ? new Item(literal, s) : new Item(Token.IDENTIFIER, s);
    }

    /** The longest run of special characters that is still an operator: {@code !=} before {@code !}. */
    private Item scanSpecialSymbol() {
        StringBuilder buffer = new StringBuilder();
        Item last = null;
        while (pos < input.length() && isSpecial(input.charAt(pos))) {
            buffer.append(input.charAt(pos));
            Token token = LITERALS.get(buffer.toString());
            if (token != null) {
                last = new Item(token, buffer.toString());
                pos++;
            } else if (last != null) {
                break;
            } else {
                pos++;
            }
        }
        if (last == null) {
            return new Item(Token.ERROR, "error expected: keyword found '" + buffer + "'");
        }
        return last;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isSpecial(char c) {
        return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
    }
}
