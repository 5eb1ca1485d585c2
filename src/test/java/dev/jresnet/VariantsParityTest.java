package dev.jresnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ModelConfig;
import dev.jresnet.model.ModelDescription;
import dev.jresnet.plan.PlannerOptions;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.Parity;
import dev.jresnet.testing.TorchOracle;
import dev.jresnet.weights.SafetensorsReader;
import dev.jresnet.weights.StateDict;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The variants of the source documents against PyTorch: scripts/variants_reference.py builds each one from PyTorch
 * modules (the digit model from its hand-written definition), with random weights and randomized BatchNorm, and
 * writes its state_dict and logits; our CPU path loads that state_dict and must match within 1e-5.
 */
class VariantsParityTest {
    @TempDir
    static Path out;

    /** @param config a description file's path, or the name of a bundled description */
    record Case(String name, String config) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Path casesFile() throws URISyntaxException {
        return Path.of(VariantsParityTest.class.getResource("/variants/cases.json").toURI());
    }

    static List<Case> cases() throws IOException, URISyntaxException {
        Path file = casesFile();
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : new ObjectMapper().readTree(file.toFile()).get("cases")) {
            cases.add(new Case(c.get("name").asText(), c.has("bundled") ? c.get("bundled").asText()
                    : file.getParent().resolve(c.get("config").asText()).toString()));
        }
        return cases;
    }

    @BeforeAll
    static void runPyTorch() throws Exception {
        TorchOracle.assumeAvailable();
        TorchOracle.runScript("variants_reference.py", "--cases", casesFile().toString(), "--out", out.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Case c) throws Exception {
        ModelConfig config = ModelDescription.resolve(c.config());
        StateDict weights = SafetensorsReader.read(out.resolve(c.name() + ".safetensors"));
        Tensor input = Npy.read(out.resolve(c.name() + ".input.npy"));
        Tensor expected = Npy.read(out.resolve(c.name() + ".logits.npy"));
        long pytorchParameters = new ObjectMapper().readTree(out.resolve(c.name() + ".json").toFile()).get("parameters").asLong();
        assertEquals(pytorchParameters, config.graph().parameterCount(), "parameter count");
        for (PlannerOptions options : List.of(PlannerOptions.FUSED, PlannerOptions.REFERENCE)) {
            try (CpuResNet net = CpuResNet.create(config, weights, c.name(), options)) {
                Parity.assertWithin(c.name() + (options.foldBatchNorm() ? " (BN folded)" : " (BN kept)"),
                        net.forward(input), expected);
            }
        }
    }
}
