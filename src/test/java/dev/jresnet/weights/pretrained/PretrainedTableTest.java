package dev.jresnet.weights.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jresnet.InvalidOptionException;
import dev.jresnet.image.Labels;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.testing.TorchOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our table of torchvision's pretrained weights, held to what torchvision itself says, and its lookups. */
class PretrainedTableTest {
    private static final PretrainedTable TABLE = PretrainedTable.torchvision();

    @Test
    void everyEntryIsTorchvisionsOwnAndEveryOneOfTorchvisionsIsThere(@TempDir Path dir) throws IOException {
        TorchOracle.assumeAvailable();
        Path json = dir.resolve("torchvision.json");
        TorchOracle.runTestScript("pretrained_weights.py", json.toString());
        JsonNode theirs = new ObjectMapper().readTree(json.toFile());
        List<String> imagenet = new ArrayList<>();
        Labels labels = Labels.imagenet();
        for (int i = 0; i < labels.size(); i++) {
            imagenet.add(labels.name(i));
        }
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> archs = theirs.fields(); archs.hasNext(); ) {
            Map.Entry<String, JsonNode> arch = archs.next();
            Set<String> tags = new TreeSet<>();
            arch.getValue().get("entries").fieldNames().forEachRemaining(tags::add);
            Set<String> ours = TABLE.entries().stream().filter(e -> e.arch().equals(arch.getKey())).map(PretrainedEntry::tag)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(tags, ours, arch.getKey());
            assertEquals(arch.getValue().get("default").asText(), TABLE.require(arch.getKey() + ".DEFAULT").tag(), arch.getKey());
            for (String tag : tags) {
                JsonNode t = arch.getValue().get("entries").get(tag);
                PretrainedEntry e = TABLE.require(arch.getKey() + "." + tag);
                String what = e.name();
                assertEquals(t.get("url").asText(), e.url().toString(), what);
                assertEquals(t.get("num_params").asLong(), e.numParams(), what);
                assertEquals(t.get("acc@1").asDouble(), e.acc1(), what);
                assertEquals(t.get("acc@5").asDouble(), e.acc5(), what);
                assertEquals(1, t.get("resize").size(), what + ": resize of the shorter side only");
                assertEquals(t.get("resize").get(0).asInt(), e.preprocessing().resize(), what);
                assertEquals(t.get("crop").get(0).asInt(), e.preprocessing().crop(), what);
                assertEquals(t.get("interpolation").asText(), e.interpolation(), what);
                for (int c = 0; c < 3; c++) {
                    assertEquals((float) t.get("mean").get(c).asDouble(), e.preprocessing().mean()[c], what);
                    assertEquals((float) t.get("std").get(c).asDouble(), e.preprocessing().std()[c], what);
                }
                List<String> categories = new ArrayList<>();
                t.get("categories").forEach(n -> categories.add(n.asText()));
                assertEquals(categories, imagenet, what + ": the categories are the ImageNet names we ship");
                checked++;
            }
        }
        assertEquals(TABLE.entries().size(), checked, "every entry of ours was compared");
        assertEquals(17, checked);
    }

    @Test
    void everyArchitectureHasEntriesAndEachEntryCountsTheParametersOfItsArchitecture() {
        assertEquals(new TreeSet<>(ResNetConfig.names()), TABLE.entries().stream().map(PretrainedEntry::arch)
                .collect(Collectors.toCollection(TreeSet::new)));
        for (PretrainedEntry e : TABLE.entries()) {
            assertEquals(ResNetConfig.named(e.arch()).graph().parameterCount(), e.numParams(), e.name());
        }
    }

    @Test
    void namesFindTheirEntryDefaultIncluded() {
        PretrainedEntry v2 = TABLE.require("resnet50.IMAGENET1K_V2");
        assertEquals("resnet50-11ad3fa6.pth", v2.fileName());
        assertEquals("11ad3fa6", v2.hashPrefix());
        assertEquals(232, v2.preprocessing().resize());
        assertEquals(224, v2.preprocessing().crop());
        assertEquals("resize 232 (bilinear), center crop 224", v2.transformDescription());
        assertEquals(v2, TABLE.require("resnet50.DEFAULT"));
        assertEquals(256, TABLE.require("resnet50.IMAGENET1K_V1").preprocessing().resize());
        assertEquals("IMAGENET1K_V1", TABLE.require("resnet18.DEFAULT").tag());
        assertEquals(Optional.of(v2), TABLE.byFileName("resnet50-11ad3fa6.pth"));
        assertEquals(Optional.empty(), TABLE.byFileName("resnet50.pth"));
        assertTrue(PretrainedTable.looksLikeName("wide_resnet101_2.IMAGENET1K_V2"));
        assertFalse(PretrainedTable.looksLikeName("resnet50-11ad3fa6.pth"));
        assertFalse(PretrainedTable.looksLikeName("weights/resnet50.IMAGENET1K_V2"));
    }

    @Test
    void anUnknownNameIsToldWhatThereIs() {
        InvalidOptionException tag = assertThrows(InvalidOptionException.class, () -> TABLE.require("resnet50.IMAGENET1K_V3"));
        assertEquals("no pretrained weights named resnet50.IMAGENET1K_V3; resnet50 has resnet50.IMAGENET1K_V1, "
                + "resnet50.IMAGENET1K_V2 (DEFAULT)", tag.getMessage());
        InvalidOptionException arch = assertThrows(InvalidOptionException.class, () -> TABLE.require("vgg16.DEFAULT"));
        assertTrue(arch.getMessage().startsWith("no pretrained weights named vgg16.DEFAULT; there are some for resnet18, "),
                arch.getMessage());
    }

    @Test
    void theHashIsFoundInTheNameAsTorchHubFindsIt() {
        // torch.hub searches the name for -([a-f0-9]*)\. and takes the first match
        assertEquals(Optional.of("11ad3fa6"), FileHash.prefixInName("resnet50-11ad3fa6.pth"));
        assertEquals(Optional.of("7cdf4587"), FileHash.prefixInName("resnext50_32x4d-7cdf4587.pth"));
        assertEquals(Optional.of("12"), FileHash.prefixInName("my-model-12.pth")); // "-model" is no match: 'm' is not hex
        assertEquals(Optional.of("beef"), FileHash.prefixInName("x-beef.tar.gz"));
        assertEquals(Optional.empty(), FileHash.prefixInName("resnet50.pth"));
        assertEquals(Optional.empty(), FileHash.prefixInName("resnet50-ABCD.pth")); // upper case is not torch's hex
        assertEquals(Optional.empty(), FileHash.prefixInName("resnet50-.pth")); // an empty prefix checks nothing
    }

    @Test
    void aMalformedTableIsRefusedNamingTheEntryAndTheField() throws IOException {
        String good = "{\"name\": \"resnet18.X\", \"default\": true, \"url\": \"https://h/m/resnet18-0123abcd.pth\", "
                + "\"num_params\": 1, \"acc@1\": 1, \"acc@5\": 2, \"categories\": \"imagenet\", \"transform\": {\"resize\": 256, "
                + "\"crop\": 224, \"interpolation\": \"bilinear\", \"mean\": [0.5, 0.5, 0.5], \"std\": [0.5, 0.5, 0.5]}}";
        assertEquals(1, table("{\"entries\": [" + good + "]}").entries().size());
        Map<String, String> broken = Map.of(
                good.replace("\"crop\": 224, ", ""), "t.json: resnet18.X: missing crop",
                good.replace("bilinear", "bicubic"), "t.json: resnet18.X: interpolation bicubic is not implemented (only [bilinear])",
                good.replace("resnet18.X", "vgg.X"), "t.json: vgg.X: unknown architecture vgg",
                good.replace("-0123abcd", "-0123"), "t.json: resnet18.X: file resnet18-0123.pth does not carry at least 8 hex "
                        + "digits of its SHA-256 (NAME-HEX.EXT)",
                good.replace("https:", "http:"), "t.json: resnet18.X: url must be https, got http://h/m/resnet18-0123abcd.pth",
                good.replace("\"num_params\": 1", "\"num_params\": -1"), "t.json: resnet18.X: num_params must be a positive integer",
                good.replace("[0.5, 0.5, 0.5]}", "[0.5, 0.5, 0]}"), "t.json: resnet18.X: transform: std values must be positive, got 0.0",
                good + ", " + good, "t.json: resnet18.X is listed twice",
                good + ", " + good.replace("resnet18.X", "resnet18.Y"), "t.json: resnet18 has 2 default entries; it needs one");
        for (Map.Entry<String, String> b : broken.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table("{\"entries\": [" + b.getKey() + "]}"));
            assertEquals(b.getValue(), e.getMessage());
        }
    }

    private static PretrainedTable table(String json) throws IOException {
        return PretrainedTable.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "t.json");
    }
}
