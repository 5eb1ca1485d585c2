package dev.jresnet.cli;

import dev.jresnet.weights.pretrained.DownloadListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** Downloads on stderr: a line as each starts and ends, and in between a progress bar when a terminal shows it. */
final class ConsoleDownloads implements DownloadListener {
    private static final long MIB = 1 << 20;
    private ProgressBar bar;

    @Override
    public void waiting(Path target) {
        System.err.println("waiting for another process that is downloading " + target);
    }

    @Override
    public void started(URI url, Path target, long from, long total) {
        System.err.println("downloading " + url + " to " + target + (total >= 0 ? " (" + mib(total) + ")" : "")
                + (from > 0 ? ", resuming at " + mib(from) : ""));
        if (System.console() != null) {
            bar = new ProgressBarBuilder().setTaskName("download").setInitialMax(total).setUnit(" MiB", MIB).showSpeed()
                    .startsFrom(from, Duration.ZERO).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }
    }

    @Override
    public void advanced(long bytes) {
        if (bar != null) {
            bar.stepTo(bytes);
        }
    }

    @Override
    public void retrying(String why) {
        closeBar();
        System.err.println(why + "; trying again");
    }

    @Override
    public void finished(Path target, String sha256) {
        closeBar();
        System.err.println("saved " + target + " (SHA-256 " + sha256 + ", as its name says)");
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }
}
