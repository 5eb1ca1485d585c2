package dev.jresnet.model;

import dev.jresnet.testing.Golden;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResNetConfigTest {
    @Test
    void parameterCountsEqualTorchvisions() {
        // The counts come from torchvision (sum of p.numel() over model.parameters()) via scripts/make_golden.py.
        for (Golden.Case c : Golden.cases()) {
            assertEquals(c.torchvisionParameters(), c.config().graph().parameterCount(), c.name());
            assertEquals(c.torchvisionParameters(),
                    ModelSummary.of(c.config().graph(), new Shape(c.config().inChannels(), 224, 224)).parameters(), c.name());
        }
    }

    @Test
    void resnet18HasTheIssuesParameterCount() {
        assertEquals(11_689_512L, ResNetConfig.named("resnet18").graph().parameterCount());
    }

    @Test
    void summaryRowsShapesAndMacsFollowFromTheLayerArithmetic() {
        ModelSummary s = ModelSummary.of(ResNetConfig.named("resnet18").graph(), new Shape(3, 224, 224));
        ModelSummary.Row conv1 = s.rows().get(0);
        assertEquals("conv1", conv1.name());
        assertEquals(new Shape(64, 112, 112), conv1.output()); // (224 + 2*3 - 7) / 2 + 1 = 112
        assertEquals(64L * 3 * 7 * 7, conv1.parameters());
        assertEquals(64L * 112 * 112 * 3 * 7 * 7, conv1.macs());
        ModelSummary.Row pool = s.rows().get(3);
        assertEquals(new Shape(64, 56, 56), pool.output()); // (112 + 2 - 3) / 2 + 1 = 56
        ModelSummary.Row fc = s.rows().get(s.rows().size() - 1);
        assertEquals(new Shape(1000, 1, 1), fc.output());
        assertEquals(512L * 1000, fc.macs());
        // torchvision's documented 1.81 GFLOPS (multiply-adds) for resnet18 at 224x224
        assertEquals(1.81, s.macs() / 1e9, 0.005);
        String table = s.format();
        assertTrue(table.contains("Total parameters: 11,689,512"), table);
        assertTrue(table.contains("layer4.1.conv2"), table);
    }

    @Test
    void dilationReplacesStrideAsInTorchvision() {
        Graph g = ResNetConfig.named("resnet50").withReplaceStrideWithDilation(false, true, true).graph();
        Shape[] shapes = g.shapes(new Shape(3, 224, 224));
        Node.Conv2d conv = (Node.Conv2d) g.nodes().stream().filter(n -> n.name().equals("layer4.1.conv2")).findFirst().orElseThrow();
        assertEquals(4, conv.spec().dilationH()); // layer3 doubles to 2, layer4 to 4
        assertEquals(4, conv.spec().padH());
        Node.Conv2d first = (Node.Conv2d) g.nodes().stream().filter(n -> n.name().equals("layer4.0.conv2")).findFirst().orElseThrow();
        assertEquals(2, first.spec().dilationH()); // the first block keeps the previous dilation
        assertEquals(new Shape(2048, 28, 28), shapes[g.nodes().get(g.nodes().size() - 3).output()]);
    }

    @Test
    void rejectsWhatTorchvisionRejects() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResNetConfig.named("resnet18").withGroups(32, 4))
                .getMessage().contains("BasicBlock only supports groups=1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ResNetConfig.named("resnet18").withReplaceStrideWithDilation(false, false, true))
                .getMessage().contains("dilation > 1 is not supported in BasicBlock"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResNetConfig.named("resnet19"))
                .getMessage().contains("known: resnet101"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResNetConfig.named("resnet18").withNumClasses(0))
                .getMessage().contains("num_classes"));
    }

    @Test
    void acceptsEveryInputSizePyTorchAcceptsAndNamesAChannelMismatch() {
        Graph g = ResNetConfig.named("resnet18").graph();
        // With padding 3 and 1 the stem maps even 1x1 to 1x1: (1 + 6 - 7) / 2 + 1 = 1, as in PyTorch.
        assertEquals(new Shape(1000, 1, 1), g.shapes(new Shape(3, 1, 1))[g.output()]);
        assertEquals(new Shape(1000, 1, 1), g.shapes(new Shape(3, 37, 45))[g.output()]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.shapes(new Shape(1, 32, 32)));
        assertTrue(e.getMessage().contains("resnet18 takes 3 input channels"), e.getMessage());
    }
}
