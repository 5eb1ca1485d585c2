package dev.jresnet.gpu.sim.ptx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Kernel parameter bytes as a host passes them: little-endian, one array per .param. */
final class Params {
    private final List<byte[]> values = new ArrayList<>();

    Params u64(long v) {
        values.add(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        return this;
    }

    Params s32(int v) {
        values.add(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        return this;
    }

    Params f32(float v) {
        return s32(Float.floatToRawIntBits(v));
    }

    /** These parameters followed by {@code more}'s. */
    Params append(Params more) {
        values.addAll(more.values);
        return this;
    }

    List<byte[]> list() {
        return List.copyOf(values);
    }
}
