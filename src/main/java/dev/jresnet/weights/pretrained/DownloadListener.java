package dev.jresnet.weights.pretrained;

import java.net.URI;
import java.nio.file.Path;

/** What a download is doing, for a progress display or a log. Every method does nothing unless overridden. */
public interface DownloadListener {
    /** Does nothing. */
    DownloadListener SILENT = new DownloadListener() {
    };

    /** Another thread or process is downloading the same file; this one waits, then uses its result. */
    default void waiting(Path target) {
    }

    /**
     * Bytes start to arrive.
     *
     * @param from  bytes already on disk from an earlier, interrupted transfer (0 when starting afresh)
     * @param total the complete file's size, or -1 when the server does not say
     */
    default void started(URI url, Path target, long from, long total) {
    }

    /** {@code bytes} of the file are on disk now. */
    default void advanced(long bytes) {
    }

    /** A transfer broke off or has to start over; the download tries again. */
    default void retrying(String why) {
    }

    /** The file is complete, its hash checked, and in place. */
    default void finished(Path target, String sha256) {
    }
}
