package dev.jresnet.weights.pth;

/**
 * What a .pth file may cost to read, so a hostile one stays harmless: each limit is named in the error that
 * reports it.
 *
 * @param maxPickleBytes  size of the pickle (the structure, not the tensor data)
 * @param maxMemo         pickle memo entries
 * @param maxNesting      open MARKs at once
 * @param maxTensors      tensors in the file
 * @param maxEntryBytes   bytes of any one zip entry once read
 * @param maxCompressionRatio uncompressed / compressed size of a deflated entry (torch stores, never deflates)
 */
public record PthLimits(long maxPickleBytes, int maxMemo, int maxNesting, int maxTensors, long maxEntryBytes,
                        double maxCompressionRatio) {
    public static final PthLimits DEFAULT = new PthLimits(64L << 20, 1 << 20, 1000, 100_000, 4L << 30, 100);
}
