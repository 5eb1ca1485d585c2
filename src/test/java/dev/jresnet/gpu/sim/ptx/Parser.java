package dev.jresnet.gpu.sim.ptx;

import dev.jresnet.gpu.sim.ptx.Lexer.Kind;
import dev.jresnet.gpu.sim.ptx.Lexer.Token;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a PTX module: the header directives and each .entry's parameters, register declarations (with the block
 * scoping inline assembly uses), labels and instructions. What it cannot handle it refuses with the line.
 */
final class Parser {
    /** One .entry as parsed, before its instructions are decoded. */
    record EntrySource(String name, int line, List<PtxParam> params, int[] maxThreads, int[] requiredThreads,
                       List<Instruction> instructions, Map<String, Integer> labels, List<PtxType> registerTypes) {
    }

    /** Instructions for what the interpreter does not model; refused before their operands are even read. */
    private static final Set<String> UNSUPPORTED_INSTRUCTIONS = Set.of("atom", "red", "bar", "barrier", "membar", "fence",
            "call", "tex", "tld4", "txq", "suld", "sust", "sured", "suq", "shfl", "vote", "match", "activemask", "redux",
            "ldu", "cp", "mbarrier", "brx", "alloca", "stacksave", "stackrestore");

    private static final Set<String> IGNORED_ENTRY_DIRECTIVES = Set.of(".minnctapersm", ".maxnctapersm", ".maxnreg");

    private final String text;
    private final List<Token> tokens;
    private int pos;

    int versionMajor = -1;
    int versionMinor;
    String target;
    int addressSize = 32;
    final List<EntrySource> entries = new ArrayList<>();

    // Per entry while its body is read.
    private final Deque<Map<String, Operand.Register>> scopes = new ArrayDeque<>();
    private List<PtxType> registerTypes;

    Parser(String text) {
        this.text = text;
        this.tokens = Lexer.tokenize(text);
    }

    void parseModule() {
        while (peek().kind() != Kind.END) {
            Token t = next();
            switch (t.text()) {
                case ".version" -> version(t);
                case ".target" -> target(t);
                case ".address_size" -> addressSize = (int) integer(next());
                case ".file" -> skipRestOfLine(t);
                case ".pragma" -> pragma();
                case ".visible", ".weak" -> {
                    Token entry = next();
                    if (!entry.is(".entry")) {
                        throw unsupported(entry);
                    }
                    entry(entry);
                }
                case ".entry" -> entry(t);
                default -> throw unsupported(t);
            }
        }
        if (versionMajor < 0 || target == null) {
            throw new PtxSyntaxException(1, Lexer.lineText(text, 0), "a PTX module starts with .version and .target");
        }
        if (addressSize != 64) {
            throw new PtxSyntaxException(1, Lexer.lineText(text, 0), "only .address_size 64 is supported");
        }
    }

    private PtxSyntaxException unsupported(Token t) {
        String why = switch (t.text()) {
            case ".func", ".extern" -> "device functions and calls are not supported";
            case ".global", ".const", ".shared", ".local", ".tex", ".surfref", ".texref", ".samplerref" ->
                    "module-level variables (" + t.text() + ") are not supported";
            default -> "unsupported here: " + t.text();
        };
        return error(t, why);
    }

    private void version(Token directive) {
        Token v = next();
        if (v.kind() != Kind.NUMBER || !v.text().matches("[0-9]+\\.[0-9]+")) {
            throw error(directive, ".version wants major.minor");
        }
        String[] parts = v.text().split("\\.");
        versionMajor = Integer.parseInt(parts[0]);
        versionMinor = Integer.parseInt(parts[1]);
    }

    private void target(Token directive) {
        Token t = next();
        if (t.kind() != Kind.WORD || !t.text().matches("sm_[0-9]+[a-z]?")) {
            throw error(directive, ".target wants an sm_XY architecture");
        }
        target = t.text();
        while (peek().is(",")) {
            next();
            Token option = next();
            if (!option.is("texmode_independent") && !option.is("texmode_unified")) {
                throw error(option, "unsupported .target option " + option.text());
            }
        }
    }

    private void pragma() {
        Token s = next();
        if (s.kind() != Kind.STRING) {
            throw error(s, ".pragma wants a string");
        }
        expect(";");
    }

    private void skipRestOfLine(Token directive) {
        while (peek().kind() != Kind.END && peek().line() == directive.line()) {
            next();
        }
    }

    private void entry(Token directive) {
        Token name = next();
        if (name.kind() != Kind.WORD) {
            throw error(name, ".entry wants a name");
        }
        if (entries.stream().anyMatch(e -> e.name().equals(name.text()))) {
            throw error(name, "kernel " + name.text() + " defined twice");
        }
        List<PtxParam> params = new ArrayList<>();
        if (peek().is("(")) {
            next();
            while (!peek().is(")")) {
                if (!params.isEmpty()) {
                    expect(",");
                }
                params.add(param());
            }
            next();
        }
        int[] maxThreads = null;
        int[] requiredThreads = null;
        while (!peek().is("{")) {
            Token d = next();
            if (d.is(".maxntid")) {
                maxThreads = dimensions();
            } else if (d.is(".reqntid")) {
                requiredThreads = dimensions();
            } else if (IGNORED_ENTRY_DIRECTIVES.contains(d.text())) {
                integer(next());
            } else {
                throw error(d, "unsupported .entry directive " + d.text());
            }
        }
        registerTypes = new ArrayList<>();
        List<Instruction> instructions = new ArrayList<>();
        Map<String, Integer> labels = new LinkedHashMap<>();
        body(instructions, labels);
        entries.add(new EntrySource(name.text(), name.line(), List.copyOf(params), maxThreads, requiredThreads,
                List.copyOf(instructions), Map.copyOf(labels), List.copyOf(registerTypes)));
    }

    private int[] dimensions() {
        int[] d = {1, 1, 1};
        for (int i = 0; i < 3; i++) {
            d[i] = (int) integer(next());
            if (!peek().is(",")) {
                break;
            }
            next();
        }
        return d;
    }

    private PtxParam param() {
        Token p = expect(".param");
        PtxType type = null;
        int count = 1;
        Token name = null;
        while (name == null) {
            Token t = next();
            if (t.is(".align")) {
                integer(next());
            } else if (t.is(".ptr") || t.is(".global") || t.is(".const") || t.is(".shared") || t.is(".local")) {
                // Pointer attributes only inform the optimizer; the value is still a 64-bit address.
                continue;
            } else if (t.kind() == Kind.WORD && t.text().startsWith(".") && type == null) {
                type = PtxType.named(t.text().substring(1));
                if (type == null || type == PtxType.PRED) {
                    throw error(t, "unsupported parameter type " + t.text());
                }
            } else if (t.kind() == Kind.WORD && type != null) {
                name = t;
            } else {
                throw error(t, "cannot read this .param");
            }
        }
        if (peek().is("[")) {
            next();
            count = (int) integer(next());
            expect("]");
        }
        if (type == null) {
            throw error(p, ".param without a type");
        }
        return new PtxParam(name.text(), type.ptxName(), type.bytes() * count);
    }

    private void body(List<Instruction> instructions, Map<String, Integer> labels) {
        expect("{");
        scopes.push(new HashMap<>());
        while (!scopes.isEmpty()) {
            Token t = peek();
            if (t.kind() == Kind.END) {
                throw error(t, "the .entry body is not closed");
            } else if (t.is("{")) {
                next();
                scopes.push(new HashMap<>());
            } else if (t.is("}")) {
                next();
                scopes.pop();
            } else if (t.is(".reg") || t.text().startsWith(".reg.")) {
                next();
                registers(t);
            } else if (t.is(".pragma")) {
                next();
                pragma();
            } else if (t.is(".loc")) {
                next();
                skipRestOfLine(t);
            } else if (t.kind() == Kind.WORD && t.text().startsWith(".")) {
                throw error(t, switch (t.text()) {
                    case ".local", ".shared", ".param", ".const", ".global" -> t.text() + " variables are not supported";
                    default -> "unsupported directive " + t.text();
                });
            } else if (t.kind() == Kind.WORD && tokens.get(pos + 1).is(":")) {
                next();
                next();
                if (labels.putIfAbsent(t.text(), instructions.size()) != null) {
                    throw error(t, "label " + t.text() + " defined twice");
                }
            } else {
                instructions.add(instruction());
            }
        }
    }

    /** .reg .type names; the CUDA headers' inline assembly also writes .reg.type, which ptxas accepts too. */
    private void registers(Token directive) {
        Token typeToken = directive.is(".reg") ? next() : directive;
        String typeName = directive.is(".reg") ? typeToken.text() : directive.text().substring(".reg".length());
        PtxType type = typeName.startsWith(".") ? PtxType.named(typeName.substring(1)) : null;
        if (type == null) {
            throw error(typeToken, typeName.equals(".v2") || typeName.equals(".v4") ? "vector registers are not supported"
                    : "unsupported register type " + typeName);
        }
        while (true) {
            Token name = next();
            if (name.kind() != Kind.WORD || name.text().startsWith(".")) {
                throw error(name, "expected a register name");
            }
            if (peek().is("<")) {
                next();
                long count = integer(next());
                expect(">");
                for (long i = 0; i < count; i++) {
                    declare(name, name.text() + i, type);
                }
            } else {
                declare(name, name.text(), type);
            }
            if (!peek().is(",")) {
                break;
            }
            next();
        }
        expect(";");
    }

    private void declare(Token where, String name, PtxType type) {
        Operand.Register register = new Operand.Register(registerTypes.size(), name, type, false);
        if (scopes.peek().putIfAbsent(name, register) != null) {
            throw error(where, "register " + name + " declared twice");
        }
        registerTypes.add(type);
    }

    private Instruction instruction() {
        Token first = peek();
        Operand.Register guard = null;
        if (first.is("@")) {
            next();
            boolean negated = peek().is("!");
            if (negated) {
                next();
            }
            Token p = next();
            if (!(resolve(p) instanceof Operand.Register r) || r.type() != PtxType.PRED) {
                throw error(p, "a guard must be a predicate register");
            }
            guard = new Operand.Register(r.slot(), r.name(), r.type(), negated);
        }
        Token opcode = next();
        if (opcode.kind() != Kind.WORD || opcode.text().startsWith(".") || opcode.text().startsWith("%")) {
            throw error(opcode, "expected an instruction");
        }
        String base = opcode.text().split("\\.")[0];
        if (UNSUPPORTED_INSTRUCTIONS.contains(base)) {
            throw error(opcode, base + ": shared memory, synchronization, atomics, textures, warp-level operations, "
                    + "calls and indirect branches are not supported");
        }
        List<Operand> operands = new ArrayList<>();
        while (!peek().is(";")) {
            if (!operands.isEmpty()) {
                expect(",");
            }
            operands.add(operand());
        }
        Token end = next();
        String source = text.substring(first.start(), end.end()).replaceAll("\\s+", " ");
        return new Instruction(first.line(), Lexer.lineText(text, first.start()), source, guard, opcode.text(),
                List.copyOf(operands));
    }

    private Operand operand() {
        Token t = next();
        if (t.is("{")) {
            List<Operand> elements = new ArrayList<>(List.of(operand()));
            while (peek().is(",")) {
                next();
                elements.add(operand());
            }
            expect("}");
            return new Operand.Vector(List.copyOf(elements));
        }
        if (t.is("[")) {
            Token base = next();
            Operand baseOperand = base.kind() == Kind.NUMBER ? new Operand.Immediate(base.text()) : resolve(base);
            long offset = 0;
            if (peek().is("+") || peek().is("-")) {
                boolean minus = next().is("-");
                if (peek().is("-")) {
                    next();
                    minus = !minus;
                }
                offset = integer(next());
                offset = minus ? -offset : offset;
            }
            expect("]");
            return new Operand.Address(baseOperand, offset);
        }
        if (t.is("!")) {
            Token p = next();
            if (!(resolve(p) instanceof Operand.Register r) || r.type() != PtxType.PRED) {
                throw error(p, "only a predicate register can be negated");
            }
            return new Operand.Register(r.slot(), r.name(), r.type(), true);
        }
        if (t.is("-")) {
            Token n = next();
            if (n.kind() != Kind.NUMBER) {
                throw error(n, "expected a number after -");
            }
            return new Operand.Immediate("-" + n.text());
        }
        if (t.kind() == Kind.NUMBER) {
            return new Operand.Immediate(t.text());
        }
        if (t.kind() != Kind.WORD) {
            throw error(t, "unexpected " + t.text());
        }
        Operand single = t.is("_") ? new Operand.Sink() : resolve(t);
        if (peek().is("|")) {
            next();
            Token second = next();
            return new Operand.PredicatePair(single, second.is("_") ? new Operand.Sink() : resolve(second));
        }
        return single;
    }

    /** A register declared in an enclosing scope, a special register, or else a symbol for the decoder to resolve. */
    private Operand resolve(Token name) {
        for (Map<String, Operand.Register> scope : scopes) {
            Operand.Register r = scope.get(name.text());
            if (r != null) {
                return r;
            }
        }
        if (Decoder.SPECIALS.contains(name.text()) || name.is("WARP_SZ")) {
            return new Operand.Special(name.text());
        }
        if (name.kind() != Kind.WORD) {
            throw error(name, "expected a name, found " + name.text());
        }
        return new Operand.Symbol(name.text());
    }

    private long integer(Token t) {
        try {
            if (t.kind() != Kind.NUMBER) {
                throw new NumberFormatException();
            }
            return Literals.parseInteger(t.text());
        } catch (NumberFormatException e) {
            throw error(t, "expected an integer, found " + t.text());
        }
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Kind.END) {
            pos++;
        }
        return t;
    }

    private Token expect(String s) {
        Token t = next();
        if (!t.is(s)) {
            throw error(t, "expected " + s + (t.kind() == Kind.END ? " before the end" : ", found " + t.text()));
        }
        return t;
    }

    PtxSyntaxException error(Token t, String problem) {
        return new PtxSyntaxException(t.line(), Lexer.lineText(text, t.start()), problem);
    }
}
