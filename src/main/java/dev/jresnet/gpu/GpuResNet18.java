package dev.jresnet.gpu;

import dev.jresnet.model.ResNetConfig;
import dev.jresnet.weights.StateDict;

/**
 * torchvision's resnet18 on the GPU: the named entry point. Weights keyed like torchvision's state_dict.
 *
 * <pre>{@code
 * try (GpuResNet18 net = new GpuResNet18(WeightsFiles.read(path), path.toString())) {
 *     Tensor logits = net.forward(batch); // (N, 3, 224, 224), N up to 32 at once -> (N, 1000)
 * }
 * }</pre>
 */
public final class GpuResNet18 extends GpuResNet {
    public GpuResNet18(StateDict weights, String source) {
        this(weights, source, GpuOptions.defaults());
    }

    public GpuResNet18(StateDict weights, String source, GpuOptions options) {
        super(ResNetConfig.named("resnet18"), weights, source, options);
    }
}
