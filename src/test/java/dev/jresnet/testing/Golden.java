package dev.jresnet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The torchvision fixtures made by scripts/make_golden.py: inputs, logits and parameter counts per case. */
public final class Golden {
    public record Case(String name, ResNetConfig config, long weightsSeed, Path input, Path logits, long torchvisionParameters) {
        public Tensor readInput() {
            return read(input);
        }

        public Tensor readLogits() {
            return read(logits);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Golden() {
    }

    public static List<Case> cases() {
        try {
            Path dir = Path.of(Golden.class.getResource("/golden/manifest.json").toURI()).getParent();
            JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : manifest.get("cases")) {
                JsonNode d = c.get("dilate");
                ResNetConfig config = ResNetConfig.named(c.get("arch").asText())
                        .withNumClasses(c.get("num_classes").asInt())
                        .withInChannels(c.get("in_channels").asInt())
                        .withReplaceStrideWithDilation(d.get(0).asBoolean(), d.get(1).asBoolean(), d.get(2).asBoolean());
                cases.add(new Case(c.get("name").asText(), config, manifest.get("weights_seed").asLong(),
                        dir.resolve(c.get("input").asText()), dir.resolve(c.get("logits").asText()),
                        c.get("parameters").asLong()));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Case named(String name) {
        return cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static Tensor read(Path p) {
        try {
            return Npy.read(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
