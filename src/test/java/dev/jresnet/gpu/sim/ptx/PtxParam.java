package dev.jresnet.gpu.sim.ptx;

/**
 * One kernel parameter as its .entry declares it.
 *
 * @param name  the parameter's name, e.g. residual_add_f32_param_3
 * @param type  its PTX type without the dot: "u64", "u32", "s32", "f32", ... ("b8" for a byte array)
 * @param bytes how many bytes the host passes for it
 */
public record PtxParam(String name, String type, int bytes) {
}
