package dev.jresnet.model;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelDescriptionTest {
    @Test
    void everyBundledDescriptionLoadsAndTheDigitModelIsTheJavaOne() throws IOException {
        for (String name : ModelDescription.BUNDLED) {
            ModelConfig c = ModelDescription.resolve(name);
            assertTrue(c.graph().parameterCount() > 0, name);
        }
        assertEquals(BlockNetConfig.digits(true), ModelDescription.resolve("digits_resnet18"));
        assertEquals(BlockNetConfig.digits(false), ModelDescription.resolve("digits_plain18"));
    }

    @Test
    void theDigitModelUsesTheSequentialKeyLayout() {
        List<String> keys = BlockNetConfig.digits(true).graph().parameters().stream().map(ParameterSpec::key).toList();
        assertTrue(keys.containsAll(List.of("net.0.0.weight", "net.0.0.bias", "net.0.1.running_var", "net.1.0.conv1.weight",
                "net.2.0.shortcut.weight", "net.2.0.shortcut.bias", "net.2.0.bn3.running_mean", "net.7.weight", "net.7.bias")));
        assertTrue(keys.stream().noneMatch(k -> k.startsWith("net.1.0.shortcut")), "no shortcut where the shape is kept");
        List<String> plain = BlockNetConfig.digits(false).graph().parameters().stream().map(ParameterSpec::key).toList();
        assertTrue(plain.stream().noneMatch(k -> k.contains("shortcut") || k.contains("bn3")), "use_residual=false drops them");
    }

    @Test
    void torchvisionFormTakesTheArchitecturesOptions() throws IOException {
        ResNetConfig c = (ResNetConfig) ModelDescription.parse(
                "{\"arch\": \"resnet50\", \"num_classes\": 7, \"in_channels\": 1, \"replace_stride_with_dilation\": [false, true, true]}", "m.json");
        assertEquals(ResNetConfig.named("resnet50").withNumClasses(7).withInChannels(1)
                .withReplaceStrideWithDilation(false, true, true), c);
    }

    @Test
    void defaultsAreTorchvisionsAndMaxPoolNullRemovesThePool() throws IOException {
        BlockNetConfig c = (BlockNetConfig) ModelDescription.parse("{\"stages\": [{\"channels\": 8, \"blocks\": 1}]}", "m.json");
        assertEquals(new BlockNetConfig.Stem(64, 7, 2, false, PaddingMode.ZEROS, new PoolSpec(3, 2, 1, 1, false)), c.stem());
        assertEquals(BlockNetConfig.Shortcut.CONV, c.block().shortcut());
        assertEquals(1e-5, c.bnEps());
        BlockNetConfig noPool = (BlockNetConfig) ModelDescription.parse(
                "{\"stem\": {\"max_pool\": null}, \"stages\": [{\"channels\": 8, \"blocks\": 1}]}", "m.json");
        assertNull(noPool.stem().maxPool());
    }

    @Test
    void errorsNameTheFileAndTheOption() {
        assertError("{\"stages\": [{\"channels\": 8, \"blocks\": 1}], \"block\": {\"kernel_size\": 4}}",
                "m.json: block.kernel_size must be odd (so padding keeps the size), got 4");
        assertError("{\"stages\": [{\"channels\": 8, \"blocks\": 1}], \"block\": {\"kernal_size\": 3}}",
                "m.json: block.kernal_size is not a known option; known: bias, depthwise, dilation");
        assertError("{\"stages\": [{\"channels\": 8, \"blocks\": 1, \"stride\": \"2\"}]}",
                "m.json: stages[0].stride must be an integer, got \"2\"");
        assertError("{\"stages\": [{\"channels\": 8, \"blocks\": 1}], \"block\": {\"padding_mode\": \"mirror\"}}",
                "m.json: block.padding_mode must be one of zeros, reflect, replicate, circular, got \"mirror\"");
        assertError("{\"stem\": {\"channels\": 16}, \"stages\": [{\"channels\": 32, \"blocks\": 1, \"stride\": 2}],"
                + " \"block\": {\"shortcut\": \"max_pool\"}}",
                "m.json: block.shortcut: max_pool needs equal channel counts, but stages[0] goes from 16 to 32");
        assertError("{\"stem\": {\"channels\": 16}, \"stages\": [{\"channels\": 24, \"blocks\": 1}], \"block\": {\"depthwise\": true}}",
                "m.json: block.depthwise: stages[0] goes from 16 to 24 channels; a depthwise convolution needs a whole multiple");
        assertError("{\"arch\": \"resnet50\", \"replace_stride_with_dilation\": [true]}",
                "m.json: replace_stride_with_dilation must be an array of 3 entries");
        assertError("{\"num_classes\": 10}", "m.json: needs either \"arch\" (a torchvision architecture) or \"stages\"");
        IOException json = assertThrows(IOException.class, () -> ModelDescription.parse("{\"stages\": [", "m.json"));
        assertTrue(json.getMessage().startsWith("m.json: not valid JSON"), json.getMessage());
    }

    /** A fuzzing run in CI found that a few bytes could ask for billions of blocks and exhaust the heap. */
    @Test
    void sizesBeyondTheModelLimitsAreRefusedBeforeAnythingIsBuilt() {
        assertError("{\"stages\": [{\"channels\": 8, \"blocks\": 2000000000}]}",
                "m.json: stages[0].blocks is 2000000000; jresnet allows at most 4096 (ModelLimits)");
        assertError("{\"stages\": [{\"channels\": 8, \"blocks\": 4000}, {\"channels\": 8, \"blocks\": 4000}]}",
                "m.json: blocks over all stages is 8000; jresnet allows at most 4096 (ModelLimits)");
        assertError("{\"stages\": [{\"channels\": 8, \"blocks\": 1}], \"block\": {\"dilation\": 1073741824}}",
                "m.json: block.dilation is 1073741824; jresnet allows at most 1024 (ModelLimits)");
        assertError("{\"stages\": [{\"channels\": 100000, \"blocks\": 1}]}",
                "m.json: stages[0].channels is 100000; jresnet allows at most 65536 (ModelLimits)");
        assertError("{\"arch\": \"resnet18\", \"num_classes\": 2000000000}",
                "m.json: resnet18: num_classes is 2000000000; jresnet allows at most 1048576 (ModelLimits)");
    }

    private static void assertError(String json, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelDescription.parse(json, "m.json"));
        assertTrue(e.getMessage().startsWith(expected), () -> "expected '" + expected + "', got: " + e.getMessage());
    }
}
