package dev.jresnet.cli;

import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.ModelSummary;
import dev.jresnet.model.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print each layer's output shape, parameter count and multiply-accumulates, and the totals.")
final class SummaryCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--input-size", arity = "2", paramLabel = "H W", description = "Input height and width (default: 224 224).")
    int[] inputSize = {224, 224};

    @Override
    public Integer call() throws Exception {
        ModelConfig config = model.config();
        var graph = config.graph();
        System.out.print(ModelSummary.of(graph, new Shape(graph.inputChannels(), inputSize[0], inputSize[1])).format());
        return 0;
    }
}
