package dev.jresnet.gpu.sim.ptx;

/** PTX integer literals: decimal, 0x hex, 0b binary, leading-0 octal, an optional U suffix, an optional minus sign. */
final class Literals {
    private Literals() {
    }

    /** The literal's value as 64 bits (hex, octal and binary up to 2^64 - 1); NumberFormatException when it is not one. */
    static long parseInteger(String text) {
        boolean negative = text.startsWith("-");
        String s = negative ? text.substring(1) : text;
        if (s.endsWith("U") || s.endsWith("u")) {
            s = s.substring(0, s.length() - 1);
        }
        long magnitude;
        if (s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
            magnitude = Long.parseUnsignedLong(s.substring(2), 16);
        } else if (s.length() > 2 && (s.startsWith("0b") || s.startsWith("0B"))) {
            magnitude = Long.parseUnsignedLong(s.substring(2), 2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            magnitude = Long.parseUnsignedLong(s.substring(1), 8);
        } else {
            magnitude = Long.parseUnsignedLong(s);
        }
        return negative ? -magnitude : magnitude;
    }

    /** 0f + 8 hex digits: an f32 pattern. */
    static boolean isFloatBits(String text) {
        return text.length() == 10 && (text.startsWith("0f") || text.startsWith("0F"));
    }

    /** 0d + 16 hex digits: an f64 pattern. */
    static boolean isDoubleBits(String text) {
        return text.length() == 18 && (text.startsWith("0d") || text.startsWith("0D"));
    }

    /** A decimal floating-point literal such as 1.5 or 2e10 (which PTX reads as an f64). */
    static boolean isDecimalFloat(String text) {
        String s = text.startsWith("-") ? text.substring(1) : text;
        if (s.isEmpty() || !Character.isDigit(s.charAt(0)) || isFloatBits(s) || isDoubleBits(s)
                || s.startsWith("0x") || s.startsWith("0X")) {
            return false;
        }
        return s.contains(".") || s.contains("e") || s.contains("E");
    }

    /** The f64 value of a floating-point literal of any of the three forms. */
    static double parseDouble(String text) {
        boolean negative = text.startsWith("-");
        String s = negative ? text.substring(1) : text;
        double v;
        if (isFloatBits(s)) {
            v = Float.intBitsToFloat((int) Long.parseLong(s.substring(2), 16));
        } else if (isDoubleBits(s)) {
            v = Double.longBitsToDouble(Long.parseUnsignedLong(s.substring(2), 16));
        } else {
            v = Double.parseDouble(s);
        }
        return negative ? -v : v;
    }
}
