package dev.jresnet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java a user copies compiles against today's jresnet: every ```java block of the README (each a whole file,
 * imports included) and the example project under examples/.
 */
class ExamplesCompileTest {
    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("public class (\\w+)");

    @Test
    void everyReadmeSnippetIsAWholeFileThatCompiles(@TempDir Path dir) throws IOException {
        Matcher m = BLOCK.matcher(Files.readString(Path.of("README.md")));
        List<Path> sources = new ArrayList<>();
        while (m.find()) {
            String code = m.group(1);
            Matcher name = CLASS.matcher(code);
            assertTrue(name.find(), "a README snippet is not a whole file (no public class):\n" + code);
            Path file = Files.createDirectories(dir.resolve("snippet" + sources.size())).resolve(name.group(1) + ".java");
            Files.writeString(file, code);
            sources.add(file);
        }
        assertTrue(sources.size() >= 3, "the README's Java snippets: " + sources.size());
        for (Path source : sources) {
            compile(List.of(source), dir.resolve("classes-" + source.getParent().getFileName()));
        }
    }

    @Test
    void theExampleProjectCompiles(@TempDir Path dir) throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("examples"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertTrue(!sources.isEmpty(), "no example sources");
        compile(sources, dir);
    }

    private static void compile(List<Path> sources, Path out) throws IOException {
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            boolean ok = javac.getTask(null, files, diagnostics, List.of("-classpath", System.getProperty("java.class.path"),
                    "-d", out.toString(), "--release", "17"), null, files.getJavaFileObjectsFromPaths(sources)).call();
            assertEquals(List.of(), diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null)).toList());
            assertTrue(ok, "javac failed on " + sources);
        }
    }
}
