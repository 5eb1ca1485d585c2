package dev.jresnet.cli;

import dev.jresnet.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;

/**
 * The command line. Exit codes: 0 when every input was processed; 1 for a fault of the input (an option, a file, an
 * image that could not be read, a missing GPU), said in one line; 3 for a fault of jresnet's, with its stack trace.
 */
@Command(name = "jresnet", mixinStandardHelpOptions = true, version = "jresnet 0.1.0",
        description = {"ResNet inference for Java: cuDNN on NVIDIA GPUs and a pure-Java CPU path.",
                "With no command, runs resnet18 with seeded weights on a synthetic batch and reports what it computed."},
        subcommands = {InferCommand.class, SummaryCommand.class, RandomWeightsCommand.class, DoctorCommand.class, BenchCommand.class,
                ClassifyCommand.class, ConvertCommand.class, SoakCommand.class, WeightsCommand.class})
public final class Main implements Callable<Integer> {
    static final int INPUT_ERROR = 1;
    static final int INTERNAL_ERROR = 3;

    public static void main(String[] args) {
        Integer relaunched = Relaunch.withVectorApi(args);
        System.exit(relaunched != null ? relaunched : run(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println("error: " + e.getMessage());
            command.getErr().println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
            return INPUT_ERROR;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine.getErr()));
        return cli.execute(args);
    }

    /** One line for what the user can fix; the stack trace for what only jresnet can. */
    static int report(Exception e, PrintWriter err) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        String line = cause instanceof InputException ? cause.getMessage()
                : cause instanceof NoSuchFileException f ? f.getFile() + ": " + (f.getReason() != null ? f.getReason()
                : "no such file or directory")
                : cause instanceof AccessDeniedException f ? f.getFile() + ": permission denied"
                : cause instanceof FileSystemException f ? f.getFile() + ": " + f.getReason()
                : cause instanceof IOException ? cause.getMessage()
                : null;
        if (line != null) {
            err.println("error: " + line);
            return INPUT_ERROR;
        }
        err.println("internal error (a fault of jresnet's; please report it with this trace):");
        e.printStackTrace(err);
        return INTERNAL_ERROR;
    }

    @Override
    public Integer call() {
        return new DefaultRun().call();
    }
}
