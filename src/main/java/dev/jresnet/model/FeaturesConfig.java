package dev.jresnet.model;

/** A network cut after its global average pooling: pooled embeddings (512 or 2048 per image) instead of logits. */
public record FeaturesConfig(ModelConfig base) implements ModelConfig {
    @Override
    public String name() {
        return base.name() + " (features)";
    }

    @Override
    public Graph graph() {
        return base.graph().features();
    }
}
