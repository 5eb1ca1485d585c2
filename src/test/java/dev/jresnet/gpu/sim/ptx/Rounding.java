package dev.jresnet.gpu.sim.ptx;

/** IEEE rounding directions, as PTX's .rn/.rz/.rm/.rp (and the integer-result .rni/.rzi/.rmi/.rpi) name them. */
enum Rounding {
    NEAREST_EVEN, TOWARD_ZERO, DOWN, UP;

    /** The direction a rounding modifier names ("rn" or "rni" both give NEAREST_EVEN), or null for anything else. */
    static Rounding named(String modifier) {
        return switch (modifier) {
            case "rn", "rni" -> NEAREST_EVEN;
            case "rz", "rzi" -> TOWARD_ZERO;
            case "rm", "rmi" -> DOWN;
            case "rp", "rpi" -> UP;
            default -> null;
        };
    }

    /** {@code x} rounded to an integral value in this direction (NaN and infinities unchanged, signed zeros kept). */
    double toIntegral(double x) {
        return switch (this) {
            case NEAREST_EVEN -> Math.rint(x);
            case TOWARD_ZERO -> x < 0 ? Math.ceil(x) : Math.floor(x);
            case DOWN -> Math.floor(x);
            case UP -> Math.ceil(x);
        };
    }
}
