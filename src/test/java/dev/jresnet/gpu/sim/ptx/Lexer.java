package dev.jresnet.gpu.sim.ptx;

import java.util.ArrayList;
import java.util.List;

/** Splits PTX text into tokens, dropping comments; every token keeps its line and where it sits in the text. */
final class Lexer {
    enum Kind { WORD, NUMBER, STRING, PUNCT, END }

    record Token(Kind kind, String text, int line, int start, int end) {
        boolean is(String s) {
            return text.equals(s) && kind != Kind.STRING;
        }
    }

    private final String text;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;

    private Lexer(String text) {
        this.text = text;
    }

    static List<Token> tokenize(String text) {
        Lexer lexer = new Lexer(text);
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (text.startsWith("//", pos)) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (text.startsWith("/*", pos)) {
                skipBlockComment();
            } else if (isWordStart(c)) {
                word();
            } else if (c >= '0' && c <= '9') {
                number();
            } else if (c == '"') {
                string();
            } else if ("{}()[],;:|!@+-<>=".indexOf(c) >= 0) {
                add(Kind.PUNCT, pos, pos + 1);
                pos++;
            } else {
                throw new PtxSyntaxException(line, lineText(text, pos), "unexpected character '" + c + "'");
            }
        }
        tokens.add(new Token(Kind.END, "", line, text.length(), text.length()));
    }

    private void skipBlockComment() {
        int startLine = line;
        int close = text.indexOf("*/", pos + 2);
        if (close < 0) {
            throw new PtxSyntaxException(startLine, lineText(text, pos), "unterminated /* comment");
        }
        for (int i = pos; i < close; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        pos = close + 2;
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$' || c == '%' || c == '.';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.';
    }

    private void word() {
        int start = pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (isWordPart(c)) {
                pos++;
            } else if (text.startsWith("::", pos)) {
                // Cache-hint qualifiers such as .L1::no_allocate belong to the opcode.
                pos += 2;
            } else {
                break;
            }
        }
        add(Kind.WORD, start, pos);
    }

    private void number() {
        int start = pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            boolean exponentSign = (c == '+' || c == '-') && isDecimalExponent(start, pos);
            if (Character.isLetterOrDigit(c) || c == '.' || exponentSign) {
                pos++;
            } else {
                break;
            }
        }
        add(Kind.NUMBER, start, pos);
    }

    /** A sign right after the e of a decimal floating-point literal such as 1.5e-3 (not after a hex digit e). */
    private boolean isDecimalExponent(int start, int at) {
        char previous = Character.toLowerCase(text.charAt(at - 1));
        if (previous != 'e' || at - start < 2) {
            return false;
        }
        for (int i = start; i < at - 1; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    private void string() {
        int start = pos++;
        while (pos < text.length() && text.charAt(pos) != '"') {
            if (text.charAt(pos) == '\n') {
                throw new PtxSyntaxException(line, lineText(text, start), "unterminated string");
            }
            pos++;
        }
        if (pos == text.length()) {
            throw new PtxSyntaxException(line, lineText(text, start), "unterminated string");
        }
        pos++;
        add(Kind.STRING, start, pos);
    }

    private void add(Kind kind, int start, int end) {
        tokens.add(new Token(kind, text.substring(start, end), line, start, end));
    }

    /** The whole line of {@code text} that holds offset {@code at}. */
    static String lineText(String text, int at) {
        int from = text.lastIndexOf('\n', at - 1) + 1;
        int to = text.indexOf('\n', at);
        return text.substring(from, to < 0 ? text.length() : to);
    }
}
