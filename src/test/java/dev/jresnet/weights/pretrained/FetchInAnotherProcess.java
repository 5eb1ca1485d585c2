package dev.jresnet.weights.pretrained;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The second process of PretrainedWeightsTest's two-process case: resolves a name with the given table, caches and
 * mirror, printing "waiting" when it has to wait for another process, then "fetched PATH".
 *
 * <p>Arguments: TABLE.json TORCH_HUB_DIR OWN_DIR MIRROR NAME
 */
public final class FetchInAnotherProcess {
    private FetchInAnotherProcess() {
    }

    public static void main(String[] args) throws Exception {
        PretrainedTable table;
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            table = PretrainedTable.read(in, args[0]);
        }
        DownloadListener tellWaiting = new DownloadListener() {
            @Override
            public void waiting(Path target) {
                System.out.println("waiting");
                System.out.flush();
            }
        };
        PretrainedWeights pretrained = new PretrainedWeights(table, new WeightsCaches(Path.of(args[1]), Path.of(args[2])),
                FetchSettings.defaults().withMirror(URI.create(args[3])), tellWaiting);
        System.out.println("fetched " + pretrained.resolve(args[4]));
    }
}
