package dev.jresnet.model;

/** An architecture that can be turned into a {@link Graph}: the "config" end of config -> planner -> plan. */
public interface ModelConfig {
    /** A short name for messages and summaries, such as "resnet50". */
    String name();

    Graph graph();
}
