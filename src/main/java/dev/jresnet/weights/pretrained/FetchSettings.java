package dev.jresnet.weights.pretrained;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How pretrained weights may be fetched.
 *
 * @param offline        no network access at all: a file must already be cached
 * @param mirror         a base URL serving the files under their own names (MIRROR/resnet50-11ad3fa6.pth) in place
 *                       of download.pytorch.org, or null
 * @param connectTimeout how long to wait for the server to accept the connection
 * @param readTimeout    how long a download may go without receiving a byte before it is abandoned
 */
public record FetchSettings(boolean offline, URI mirror, Duration connectTimeout, Duration readTimeout) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    public FetchSettings {
        if (mirror != null && !("http".equals(mirror.getScheme()) || "https".equals(mirror.getScheme()))) {
            throw new IllegalArgumentException("the weights mirror must be an http or https URL, got " + mirror);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** Online, from torchvision's own URLs, with the default timeouts. */
    public static FetchSettings defaults() {
        return new FetchSettings(false, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    /**
     * The settings the environment asks for: JRESNET_OFFLINE (1, true or yes: offline; 0, false, no or empty:
     * online) and JRESNET_WEIGHTS_MIRROR (a base URL).
     *
     * @throws IllegalArgumentException naming the variable whose value makes no sense
     */
    public static FetchSettings fromEnvironment(Map<String, String> env) {
        String offline = env.getOrDefault("JRESNET_OFFLINE", "").trim().toLowerCase(Locale.ROOT);
        boolean off = switch (offline) {
            case "1", "true", "yes" -> true;
            case "", "0", "false", "no" -> false;
            default -> throw new IllegalArgumentException("JRESNET_OFFLINE=" + env.get("JRESNET_OFFLINE")
                    + " is neither 1/true/yes nor 0/false/no");
        };
        String mirror = env.getOrDefault("JRESNET_WEIGHTS_MIRROR", "").trim();
        try {
            return defaults().withOffline(off).withMirror(mirror.isEmpty() ? null : new URI(mirror));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("JRESNET_WEIGHTS_MIRROR=" + mirror + ": " + e.getMessage(), e);
        }
    }

    public FetchSettings withOffline(boolean newOffline) {
        return new FetchSettings(newOffline, mirror, connectTimeout, readTimeout);
    }

    public FetchSettings withMirror(URI newMirror) {
        return new FetchSettings(offline, newMirror, connectTimeout, readTimeout);
    }

    public FetchSettings withTimeouts(Duration connect, Duration read) {
        return new FetchSettings(offline, mirror, connect, read);
    }

    /** Where the entry's file is downloaded from: the mirror's copy, or torchvision's URL. */
    public URI urlOf(PretrainedEntry entry) {
        if (mirror == null) {
            return entry.url();
        }
        String base = mirror.toString();
        return URI.create(base + (base.endsWith("/") ? "" : "/") + entry.fileName());
    }
}
