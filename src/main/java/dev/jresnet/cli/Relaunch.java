package dev.jresnet.cli;

import dev.jresnet.cpu.VectorApi;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar jresnet.jar} cannot enable the Vector API (a jar's manifest cannot add modules), and without it
 * the CPU path is about 20x slower. So the command line starts itself again, once, with the module added, passing
 * the JVM options and arguments on; JRESNET_NO_RELAUNCH=1 turns this off (the warning then says what it costs).
 */
final class Relaunch {
    private static final String GUARD = "JRESNET_NO_RELAUNCH";

    private Relaunch() {
    }

    /** The exit code of the relaunched JVM, or null when this JVM should run the command itself. */
    static Integer withVectorApi(String[] args) {
        if (VectorApi.enabled() || System.getenv(GUARD) != null) {
            return null;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of(VectorApi.JVM_OPTION.split(" ")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put(GUARD, "1");
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            return null; // cannot start a JVM here: run slowly, with the warning
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
