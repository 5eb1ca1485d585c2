package dev.jresnet.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP server for download tests: serves byte arrays under /models/NAME, honours "Range: bytes=N-" with
 * 206 and Content-Range, records every request, and misbehaves as a file's {@link Fault} says.
 */
public final class WeightsServer implements AutoCloseable {
    /** How the server treats one file. */
    public enum Fault {
        /** Serves it correctly. */
        NONE,
        /** The first response declares the full length, sends half of it and closes the connection. */
        TRUNCATE_FIRST,
        /** Every response sends half of what it declares, then closes. */
        TRUNCATE_EVERY,
        /** Answers range requests with the whole file (200), as servers without range support do. */
        IGNORE_RANGE,
        /** Answers 500 Internal Server Error. */
        SERVER_ERROR,
        /** Sends half, then nothing more while the server runs. */
        STALL,
        /** Sends half, counts {@link #halfway} down, and sends the rest once {@link #release} is counted down. */
        HOLD_HALFWAY
    }

    /** One request: the file asked for and its Range header (null without one). */
    public record Request(String file, String range) {
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** Counted down when a HOLD_HALFWAY file's first half has been sent. */
    public final CountDownLatch halfway = new CountDownLatch(1);
    /** Counting it down lets a HOLD_HALFWAY file's second half go. */
    public final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "weights-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public WeightsServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The mirror base URL: files are at base/NAME. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/models/");
    }

    public void serve(String name, byte[] content, Fault fault) {
        files.put(name, content.clone());
        faults.put(name, fault);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String name = exchange.getRequestURI().getPath().substring("/models/".length());
            String range = exchange.getRequestHeaders().getFirst("Range");
            int index = (int) requests.stream().filter(r -> r.file().equals(name)).count();
            requests.add(new Request(name, range));
            byte[] content = files.get(name);
            Fault fault = faults.getOrDefault(name, Fault.NONE);
            if (content == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (fault == Fault.SERVER_ERROR) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            int from = 0;
            Matcher m = range == null ? null : RANGE.matcher(range);
            if (m != null && m.matches() && fault != Fault.IGNORE_RANGE) {
                from = Integer.parseInt(m.group(1));
                if (from >= content.length) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            }
            byte[] body = Arrays.copyOfRange(content, from, content.length);
            exchange.sendResponseHeaders(from > 0 ? 206 : 200, body.length);
            OutputStream out = exchange.getResponseBody();
            boolean truncate = fault == Fault.TRUNCATE_EVERY || (fault == Fault.TRUNCATE_FIRST && index == 0);
            boolean half = truncate || fault == Fault.STALL || fault == Fault.HOLD_HALFWAY;
            out.write(body, 0, half ? body.length / 2 : body.length);
            out.flush();
            if (fault == Fault.STALL) {
                stopping.await();
            } else if (fault == Fault.HOLD_HALFWAY) {
                halfway.countDown();
                release.await();
                out.write(body, body.length / 2, body.length - body.length / 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            abort(exchange);
        }
    }

    /** Ends the exchange; short of its declared length, the server then drops the connection. */
    private static void abort(HttpExchange exchange) {
        try {
            exchange.close();
        } catch (RuntimeException e) {
            // closing short of the declared length is what the faults are for
        }
    }

    @Override
    public void close() {
        stopping.countDown();
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
