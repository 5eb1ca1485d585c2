package dev.jresnet.weights.pretrained;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one weights file into a cache folder so that no failure can leave a file that looks valid: the bytes
 * go to NAME.part beside the target; a transfer that breaks off resumes from there (an HTTP range request, where
 * the server honours it, else from the start); the whole file's SHA-256 is checked against the digits in its name;
 * only then is it moved into place. A lock on NAME.lock makes a second thread or process wait for the first and
 * use its file rather than download it again. The read timeout bounds how long a stalled server can hold it.
 */
final class Downloader {
    /** Transfers per download, each resuming where the last broke off, as long as each one makes progress. */
    private static final int ATTEMPTS = 3;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");

    private final FetchSettings settings;
    private final DownloadListener listener;

    Downloader(FetchSettings settings, DownloadListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    /**
     * Fetches {@code url} into {@code target} unless another thread or process has meanwhile; returns target.
     *
     * @throws WeightsFetchException when the server, the connection or the file fails; the message says which and
     *                               what to do
     */
    Path download(URI url, Path target, String hashPrefix) throws IOException {
        Files.createDirectories(target.getParent());
        String name = target.getFileName().toString();
        Path part = target.resolveSibling(name + ".part");
        try (CacheLock lock = CacheLock.acquire(target.resolveSibling(name + ".lock"), () -> listener.waiting(target))) {
            if (Files.isRegularFile(target)) {
                FileHash.verify(target, hashPrefix); // fetched by whoever held the lock before us
                return target;
            }
            boolean inherited = size(part) > 0;
            transferWithRetries(url, part, target);
            String actual = FileHash.sha256(part);
            if (!actual.startsWith(hashPrefix) && inherited) {
                // the bytes an earlier run left may belong to another version of the file: start over once
                listener.retrying("the resumed download of " + name + " does not match its hash; starting it over");
                Files.delete(part);
                transferWithRetries(url, part, target);
                actual = FileHash.sha256(part);
            }
            if (!actual.startsWith(hashPrefix)) {
                long bytes = size(part);
                Files.deleteIfExists(part);
                throw new WeightsFetchException(url + " sent " + bytes + " bytes whose SHA-256 is " + actual
                        + ", but the file name says it starts with " + hashPrefix + ": not the file asked for (a proxy's "
                        + "page, a changed file, a wrong mirror?); nothing was kept");
            }
            moveIntoPlace(part, target);
            listener.finished(target, actual);
            return target;
        }
    }

    private void transferWithRetries(URI url, Path part, Path target) throws IOException {
        BrokenTransfer last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long before = size(part);
            try {
                transfer(url, part, target);
                return;
            } catch (BrokenTransfer e) {
                last = e;
                if (size(part) <= before) {
                    break; // no progress: trying again would only wait again
                }
                if (attempt < ATTEMPTS) {
                    listener.retrying("the download of " + target.getFileName() + " broke off at byte " + size(part)
                            + " (" + e.getMessage() + ")");
                }
            }
        }
        throw new WeightsFetchException("downloading " + url + " broke off at byte " + size(part) + " (" + last.getMessage()
                + "); run again to resume from " + part, last);
    }

    /** One HTTP exchange, appending to the part file where the server resumes, else rewriting it. */
    private void transfer(URI url, Path part, Path target) throws IOException {
        long have = size(part);
        HttpURLConnection http = connect(url, have);
        try {
            int status = responseCode(http, url, target);
            boolean append;
            if (status == HttpURLConnection.HTTP_OK) {
                append = false;
            } else if (status == HttpURLConnection.HTTP_PARTIAL && rangeStart(http) == have && have > 0) {
                append = true;
            } else if ((status == HttpURLConnection.HTTP_PARTIAL || status == 416) && have > 0) {
                // the server will not resume at our offset (the part may be stale): start over
                http.disconnect();
                Files.delete(part);
                transfer(url, part, target);
                return;
            } else {
                throw new WeightsFetchException(url + ": HTTP " + status + " " + http.getResponseMessage()
                        + (have > 0 ? " (the " + have + " bytes fetched before stay in " + part + " to resume)" : ""));
            }
            long length = http.getContentLengthLong();
            long from = append ? have : 0;
            listener.started(url, target, from, length < 0 ? -1 : from + length);
            long received = copy(http, part, append, from);
            if (length >= 0 && received < length) {
                throw new BrokenTransfer("the server sent " + received + " of " + length + " bytes");
            }
        } finally {
            http.disconnect();
        }
    }

    private HttpURLConnection connect(URI url, long have) throws IOException {
        URLConnection c = url.toURL().openConnection();
        if (!(c instanceof HttpURLConnection http)) {
            throw new WeightsFetchException(url + ": only http and https downloads are supported");
        }
        http.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
        http.setReadTimeout((int) Math.min(Integer.MAX_VALUE, settings.readTimeout().toMillis()));
        http.setRequestProperty("User-Agent", "jresnet");
        if (have > 0) {
            http.setRequestProperty("Range", "bytes=" + have + "-");
        }
        return http;
    }

    private int responseCode(HttpURLConnection http, URI url, Path target) throws IOException {
        try {
            return http.getResponseCode();
        } catch (SocketTimeoutException e) {
            throw new BrokenTransfer("no answer within " + seconds(settings.readTimeout()));
        } catch (IOException e) {
            throw new WeightsFetchException("cannot download " + url + " (" + e + "); without internet access, set "
                    + "JRESNET_WEIGHTS_MIRROR to a server that has the file, or put the file at " + target, e);
        }
    }

    /** Copies the body to the part file; returns the bytes received. */
    private long copy(HttpURLConnection http, Path part, boolean append, long from) throws IOException {
        long received = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = http.getInputStream();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int n = read(in, buffer); n >= 0; n = read(in, buffer)) {
                out.write(buffer, 0, n);
                received += n;
                listener.advanced(from + received);
            }
            return received;
        }
    }

    /** Reads from the body; the connection failing or going quiet breaks the transfer off, to be resumed. */
    private int read(InputStream in, byte[] buffer) throws BrokenTransfer {
        try {
            return in.read(buffer);
        } catch (SocketTimeoutException e) {
            throw new BrokenTransfer("no data for " + seconds(settings.readTimeout()));
        } catch (IOException e) {
            throw new BrokenTransfer(String.valueOf(e.getMessage()));
        }
    }

    /** Where a 206 response's Content-Range starts, or -1. */
    private static long rangeStart(HttpURLConnection http) {
        String range = http.getHeaderField("Content-Range");
        Matcher m = range == null ? null : CONTENT_RANGE.matcher(range.trim());
        return m != null && m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() / 1000.0 + " s";
    }

    private static long size(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.size(file) : 0;
    }

    /** A transfer that broke off in the middle; the bytes so far are kept, and the next transfer resumes. */
    private static final class BrokenTransfer extends IOException {
        private static final long serialVersionUID = 1L;

        BrokenTransfer(String message) {
            super(message);
        }
    }
}
