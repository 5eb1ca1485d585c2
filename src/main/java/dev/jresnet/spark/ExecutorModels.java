package dev.jresnet.spark;

import dev.jresnet.Device;
import dev.jresnet.ResNetModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

/**
 * The networks of this JVM (a Spark executor, or the driver in local mode): one per model and device, made by the
 * first task that needs it and shared by every later task, concurrent ones included, through {@link ResNetModel}'s
 * batching. So the weights are read once per executor and device, not once per task or partition.
 *
 * <p>They are closed when the JVM ends (a shutdown hook), not when a task completes: a task completion listener would
 * close the network between one task and the next and make every task load the weights again, which is what a network
 * per executor is there to avoid. Each task's own resources (its decoding threads) are closed by a task completion
 * listener instead ({@link PartitionInference}).
 */
final class ExecutorModels {
    // SLF4J, Spark's logging: a task thread's JDK logging (System.Logger) reaches Spark's log4j only at ERROR.
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);

    private record Key(ModelSpec spec, Device device) {
    }

    /** One network, made on first use; a failed attempt leaves nothing behind, so a retried task tries again. */
    private static final class Slot {
        private ResNetModel model;

        synchronized ResNetModel get(Key key) {
            if (model == null) {
                try {
                    model = key.spec().build(key.device());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the model's files: " + e.getMessage(), e);
                }
                LOG.info("jresnet: loaded " + model.config().name() + " from " + key.spec().weights()
                        + " on " + model.deviceChoice() + ", shared by this JVM's tasks until it ends (this model is now on "
                        + devicesOf(key.spec()) + ")");
            }
            return model;
        }

        synchronized void close() {
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }

    private static final ConcurrentMap<Key, Slot> MODELS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "jresnet-close-networks"));
    }

    private ExecutorModels() {
    }

    /** This JVM's network for the model on the device, made now if it is the first asked for. */
    static ResNetModel get(ModelSpec spec, Device device) {
        Key key = new Key(spec, device);
        return MODELS.computeIfAbsent(key, k -> new Slot()).get(key);
    }

    /** The devices this JVM has a network of {@code spec} on (made, or being made). */
    static Set<Device> devicesOf(ModelSpec spec) {
        return MODELS.keySet().stream().filter(k -> k.spec().equals(spec)).map(Key::device).collect(Collectors.toSet());
    }

    /** Closes every network (device memory included); a later task makes its own again. */
    static void closeAll() {
        MODELS.values().removeIf(slot -> {
            slot.close();
            return true;
        });
    }
}
