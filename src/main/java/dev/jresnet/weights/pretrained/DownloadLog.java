package dev.jresnet.weights.pretrained;

import java.net.URI;
import java.nio.file.Path;

/** Downloads reported through System.Logger (INFO), so that a library never fetches hundreds of megabytes unseen. */
final class DownloadLog implements DownloadListener {
    private static final System.Logger LOG = System.getLogger(DownloadLog.class.getName());

    @Override
    public void waiting(Path target) {
        LOG.log(System.Logger.Level.INFO, "waiting for another process downloading " + target);
    }

    @Override
    public void started(URI url, Path target, long from, long total) {
        LOG.log(System.Logger.Level.INFO, "downloading " + url + " to " + target
                + (total >= 0 ? " (" + total + " bytes)" : "") + (from > 0 ? ", resuming at byte " + from : ""));
    }

    @Override
    public void retrying(String why) {
        LOG.log(System.Logger.Level.INFO, why + "; trying again");
    }

    @Override
    public void finished(Path target, String sha256) {
        LOG.log(System.Logger.Level.INFO, "saved " + target + " (SHA-256 " + sha256 + ")");
    }
}
