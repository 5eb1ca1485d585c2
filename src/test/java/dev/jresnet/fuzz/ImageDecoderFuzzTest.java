package dev.jresnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jresnet.image.ImageDecoder;
import dev.jresnet.image.ImageLimits;
import dev.jresnet.image.Preprocessing;
import dev.jresnet.image.UnreadableImageException;

/**
 * Any bytes either decode (and preprocess) or fail with UnreadableImageException naming the reason; the pixel cap
 * keeps a header that claims a huge image from exhausting the heap.
 */
class ImageDecoderFuzzTest {
    private static final ImageDecoder DECODER = new ImageDecoder(new ImageLimits(4_000_000));

    @FuzzTest(maxDuration = "30s")
    void decodesOrRejectsCleanly(byte[] data) {
        try {
            Preprocessing.IMAGENET.withSizes(40, 32).apply(DECODER.decode(FuzzFiles.write(data, ".img")));
        } catch (UnreadableImageException expected) {
            // refused with a reason
        }
    }
}
