package dev.jresnet.image;

/** How large an image may be decoded: a hostile file's header cannot make the decoder allocate more than this. */
public record ImageLimits(long maxPixels) {
    /** 100 megapixels: more than any camera photo, well below what would exhaust a default heap. */
    public static final ImageLimits DEFAULT = new ImageLimits(100_000_000L);
}
