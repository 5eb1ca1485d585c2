package dev.jresnet.weights.pth;

import dev.jresnet.cpu.CpuResNet;
import dev.jresnet.model.ResNetConfig;
import dev.jresnet.tensor.Npy;
import dev.jresnet.tensor.SeededRandom;
import dev.jresnet.tensor.Tensor;
import dev.jresnet.testing.Parity;
import dev.jresnet.testing.TorchOracle;
import dev.jresnet.weights.DType;
import dev.jresnet.weights.StateDict;
import dev.jresnet.weights.TensorData;
import dev.jresnet.weights.WeightsFiles;
import dev.jresnet.weights.WeightsFormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** torch.save's files read in Java: real torchvision checkpoints, unusual layouts, and files that must be refused. */
class PthReaderTest {
    @TempDir
    static Path cases;

    @BeforeAll
    static void makeCases() {
        TorchOracle.assumeAvailable();
        TorchOracle.runTestScript("pth_cases.py", cases.toString());
    }

    @ParameterizedTest(name = "{0} {1}{2}")
    @CsvSource({"resnet18,float32,", "resnet50,float32,", "resnext50_32x4d,float32,", "resnet18,float16,",
            "resnet18,bfloat16,", "resnet18,float32,--legacy"})
    void torchvisionCheckpointsGiveTorchvisionsLogits(String arch, String dtype, String legacy, @TempDir Path dir)
            throws Exception {
        Path pth = dir.resolve(arch + ".pth");
        Path input = dir.resolve("x.npy");
        Path logits = dir.resolve("y.npy");
        Npy.write(input, SeededRandom.normal(3, 2, 3, 64, 64));
        String[] args = {"--arch", arch, "--seed", "4", "--dtype", dtype, "--out", pth.toString(), "--input", input.toString(),
                "--logits", logits.toString()};
        if (legacy != null) {
            args = Arrays.copyOf(args, args.length + 1);
            args[args.length - 1] = legacy;
        }
        TorchOracle.runScript("torchvision_checkpoint.py", args);
        StateDict weights = WeightsFiles.read(pth);
        try (CpuResNet net = CpuResNet.create(ResNetConfig.named(arch), weights, pth.toString())) {
            Parity.assertWithin(arch + " " + dtype + " .pth" + (legacy != null ? " (legacy)" : ""),
                    net.forward(Npy.read(input)), Npy.read(logits));
        }
    }

    @ParameterizedTest
    @CsvSource({"views", "views_legacy"})
    void stridesOffsetsSharedStoragesAndDtypesAsTorchHoldsThem(String name) throws Exception {
        StateDict dict = PthReader.read(cases.resolve(name + ".pth"));
        assertEquals(8, dict.size());
        try (var expected = Files.list(cases.resolve(name))) {
            for (Path npy : expected.toList()) {
                String key = npy.getFileName().toString().replace(".npy", "");
                TensorData t = dict.get(key).orElseThrow();
                Tensor want = key.equals("counter") ? null : Npy.read(npy);
                if (want != null) {
                    assertArrayEquals(want.shape(), t.shape(), key);
                    assertArrayEquals(want.data(), t.toFloats(), key);
                }
            }
        }
        assertEquals(DType.F16, dict.get("half").orElseThrow().dtype());
        assertEquals(DType.BF16, dict.get("bfloat").orElseThrow().dtype());
        TensorData counter = dict.get("counter").orElseThrow();
        assertEquals(DType.I64, counter.dtype());
        assertEquals(7L, ByteBuffer.wrap(counter.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    @Test
    void aCheckpointIsUnwrappedAndDataParallelsPrefixStripped() throws Exception {
        StateDict dict = PthReader.read(cases.resolve("checkpoint.pth"));
        StateDict plain = PthReader.read(cases.resolve("views.pth"));
        assertTrue(dict.keys().contains("transposed") && !dict.keys().contains("module.transposed"), dict.keys().toString());
        assertEquals(plain.get("sliced").orElseThrow(), dict.get("sliced").orElseThrow());
    }

    @Test
    void aPickleThatWouldRunCodeIsRefusedNamingTheGlobal() {
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> PthReader.read(cases.resolve("runs_code.pth")));
        assertTrue(e.getMessage().contains("global 'posix.system' is not allowed") || e.getMessage().contains("global 'os.system' is not allowed"),
                e.getMessage());
    }

    @Test
    void handCraftedPicklesAreRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        // GLOBAL builtins.eval, then REDUCE: what "torch.load" would execute.
        byte[] eval = "\u0080\u0002cbuiltins\neval\nq\u0000X\u0004\u0000\u0000\u00001+1\u0085R.".getBytes(StandardCharsets.ISO_8859_1);
        assertRefused(zipWith(dir, "archive/data.pkl", eval), "global 'builtins.eval' is not allowed");
        // An allowed storage class called as a function.
        byte[] call = "\u0080\u0002ctorch\nFloatStorage\n)R.".getBytes(StandardCharsets.ISO_8859_1);
        assertRefused(zipWith(dir, "archive/data.pkl", call), "torch.FloatStorage cannot be called");
        // Memo reads of entries never written, and opcodes outside the allowed set (INST 'i' here).
        assertRefused(zipWith(dir, "archive/data.pkl", "\u0080\u0002h\u0007.".getBytes(StandardCharsets.ISO_8859_1)),
                "memo entry 7 was never stored");
        assertRefused(zipWith(dir, "archive/data.pkl", "\u0080\u0002ios\nsystem\n.".getBytes(StandardCharsets.ISO_8859_1)),
                "opcode 0x69 ('i') is not allowed");
        // Nesting past the limit.
        byte[] deep = new byte[3 + 5000];
        deep[0] = (byte) 0x80;
        deep[1] = 2;
        Arrays.fill(deep, 2, deep.length, (byte) '(');
        assertRefused(zipWith(dir, "archive/data.pkl", deep), "nesting deeper than 1000 (maxPickleNesting)");
    }

    @Test
    void truncatedZipsWrongStorageSizesAndUnknownDtypesAreRefused(@TempDir Path dir) throws Exception {
        byte[] good = Files.readAllBytes(cases.resolve("views.pth"));
        Path truncated = dir.resolve("truncated.pth");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        assertRefused(truncated, "not a readable zip");

        Path shortStorage = dir.resolve("short.pth");
        try (ZipFile zip = new ZipFile(cases.resolve("views.pth").toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(shortStorage))) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                byte[] data = zip.getInputStream(e).readAllBytes();
                if (e.getName().endsWith("/data/0")) {
                    data = Arrays.copyOf(data, data.length - 4);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(data);
                out.closeEntry();
            }
        }
        assertRefused(shortStorage, "but the pickle declares");

        assertRefused(cases.resolve("int32.pth"), "storage type torch.IntStorage is not supported");
        assertRefused(cases.resolve("float64.pth"), "storage type torch.DoubleStorage is not supported");
        assertRefused(cases.resolve("a_list.pth"), "holds a list, not a state_dict");
        Path notWeights = dir.resolve("notes.pth");
        Files.writeString(notWeights, "just text");
        assertRefused(notWeights, "neither safetensors");
    }

    @Test
    void aTensorThatReadsPastItsStorageIsRefused(@TempDir Path dir) throws Exception {
        // _rebuild_tensor_v2(storage of 4 floats, offset 2, size (3,), stride (1,)) reads element 4: one too far.
        String pickle = stateDict("w", tensor1d(floatStorage(4, false), "K\u0002", 3));
        Path file = zipWith(dir, "archive/data.pkl", pickle.getBytes(StandardCharsets.ISO_8859_1), "archive/data/0", new byte[16]);
        assertRefused(file, "tensor 'w' reads element 4 of storage 0, which has 4");
    }

    @Test
    void anEmptyTensorMayStartPastItsStorageAsTorchLoadAllows(@TempDir Path dir) throws Exception {
        // _rebuild_tensor_v2(storage of 1 float, offset 16, size (0,), stride (1,)): torch.load gives tensor([]).
        String pickle = stateDict("w", tensor1d(floatStorage(1, false), "K\u0010", 0));
        Path file = zipWith(dir, "archive/data.pkl", pickle.getBytes(StandardCharsets.ISO_8859_1), "archive/data/0", new byte[4]);
        TensorData w = WeightsFiles.read(file).get("w").orElseThrow();
        assertArrayEquals(new int[]{0}, w.shape());
        assertEquals(0, w.bytes().length);
    }

    @Test
    void aKeyThatCollidesOnceTheModulePrefixIsStrippedIsRefused(@TempDir Path dir) throws Exception {
        // {'w': t, 'module.w': t}: stripping "module." would silently keep one of the two.
        String tensor = tensor1d(floatStorage(1, false), "K\u0000", 1);
        String pickle = stateDict("w", tensor, "module.w", tensor);
        Path file = zipWith(dir, "archive/data.pkl", pickle.getBytes(StandardCharsets.ISO_8859_1), "archive/data/0", new byte[4]);
        assertRefused(file, "'module.w' and another key both name tensor 'w'");
    }

    @Test
    @Timeout(20)
    void aSelfSharingPickleThatWouldPrintForeverIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        // Level k of the list is [level k-1, level k-1] through the memo: 60 levels print as 2^60 lists.
        // The lists are built first, between the protocol header and the dict.
        String asOffset = "\u0080\u0002" + doublingLists(60) + stateDict("w", tensor1d(floatStorage(1, false), "h\u003c", 1)).substring(2);
        assertRefused(zipWith(dir, "archive/data.pkl", asOffset.getBytes(StandardCharsets.ISO_8859_1), "archive/data/0", new byte[4]),
                "storage offset is a list, not a non-negative integer");

        // The same list as a legacy file's storage key.
        String magic = "\u0080\u0002\u008a\n\u006c\u00fc\u009c\u0046\u00f9\u0020\u006a\u00a8\u0050\u0019.";
        String object = stateDict("w", tensor1d(floatStorage(1, true), "K\u0000", 1));
        String keys = "\u0080\u0002" + doublingLists(60) + "](h\u003ce.";
        Path legacy = dir.resolve("legacy.pth");
        Files.write(legacy, (magic + "\u0080\u0002M\u00e9\u0003." + "\u0080\u0002}." + object + keys)
                .getBytes(StandardCharsets.ISO_8859_1));
        assertRefused(legacy, "the storage key list holds a list, not a string");
    }

    /** Protocol 2 pickle of a dict {key: tensor, ...}; each tensor is the opcodes that push it. */
    private static String stateDict(String... keysAndTensors) {
        StringBuilder ops = new StringBuilder("\u0080\u0002}(");
        for (int i = 0; i < keysAndTensors.length; i += 2) {
            ops.append(text(keysAndTensors[i])).append(keysAndTensors[i + 1]);
        }
        return ops.append("u.").toString();
    }

    /** _rebuild_tensor_v2(storage, offset, (size,), (1,), False, {}); offset is the opcodes that push it. */
    private static String tensor1d(String storage, String offset, int size) {
        return "ctorch._utils\n_rebuild_tensor_v2\n(" + storage + offset + "K" + (char) size + "\u0085K\u0001\u0085\u0089}tR";
    }

    /** The persistent id ('storage', FloatStorage, '0', 'cpu', elements), with the legacy format's None after it. */
    private static String floatStorage(int elements, boolean legacy) {
        return "(" + text("storage") + "ctorch\nFloatStorage\n" + text("0") + text("cpu") + "K" + (char) elements
                + (legacy ? "N" : "") + "tQ";
    }

    /** BINUNICODE: 'X', a 4-byte little-endian length, the (ASCII) text. */
    private static String text(String s) {
        return "X" + (char) s.length() + "\u0000\u0000\u0000" + s;
    }

    /** Pickle opcodes that leave the stack empty and memo k holding [memo k-1, memo k-1], for k up to levels. */
    private static String doublingLists(int levels) {
        StringBuilder ops = new StringBuilder("]q\u00000");
        for (int k = 1; k <= levels; k++) {
            ops.append("](h").append((char) (k - 1)).append('h').append((char) (k - 1)).append("eq").append((char) k).append('0');
        }
        return ops.toString();
    }

    private static void assertRefused(Path file, String expected) {
        WeightsFormatException e = assertThrows(WeightsFormatException.class, () -> WeightsFiles.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    /** A zip of stored entries (name, bytes, name, bytes, ...), as torch.save writes. */
    private static Path zipWith(Path dir, Object... entries) throws IOException {
        Path file = Files.createTempFile(dir, "crafted", ".pth");
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (int i = 0; i < entries.length; i += 2) {
                byte[] data = (byte[]) entries[i + 1];
                ZipEntry e = new ZipEntry((String) entries[i]);
                e.setMethod(ZipEntry.STORED);
                e.setSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                e.setCrc(crc.getValue());
                zip.putNextEntry(e);
                zip.write(data);
                zip.closeEntry();
            }
        }
        return file;
    }
}
