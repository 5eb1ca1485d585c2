package dev.jresnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

@Command(name = "jresnet", mixinStandardHelpOptions = true, version = "jresnet 0.1.0",
        description = {"ResNet inference for Java: cuDNN on NVIDIA GPUs and a pure-Java CPU path.",
                "With no command, runs resnet18 with seeded weights on a synthetic batch and reports what it computed."},
        subcommands = {InferCommand.class, SummaryCommand.class, RandomWeightsCommand.class, DoctorCommand.class, BenchCommand.class, ClassifyCommand.class,
                ConvertCommand.class, SoakCommand.class, WeightsCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code: 0 success, 1 a user error (reported in one line), 2 usage. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IOException || e instanceof UncheckedIOException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        return new DefaultRun().call();
    }
}
