package org.lethe.models.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;
import org.lethe.models.Messages;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, string metadata under {@code __metadata__}, then the raw
 * little-endian data. Lethe reads and writes F32, F64 and I64 (I64 tensors become float64 tensors).
 *
 * <p>Reading trusts nothing: the header length is capped, every dtype, shape and offset is checked
 * against the file before any allocation, byte ranges must neither overlap nor leave gaps, and every
 * problem is a {@link CheckpointException} with one line naming the file.
 */
public final class Safetensors {
    /** Largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER = 100L * 1024 * 1024;
    /** Most dimensions a tensor may have (PyTorch's limit). */
    public static final int MAX_RANK = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tensors in file order with their stored dtypes, and the metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> storedTypes, Map<String, String> metadata) {
    }

    private Safetensors() {
    }

    private static int elementSize(String dtype) {
        switch (dtype) {
            case "F32": return 4;
            case "F64":
            case "I64": return 8;
            default: return -1;
        }
    }

    /**
     * Writes tensors (in order) and string metadata atomically. Names in {@code integerKeys} are written
     * as I64 (their values must be whole numbers), the rest as F32 or F64 by their type.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Set<String> integerKeys, Map<String, String> metadata)
            throws IOException {
        record Entry(String name, String dtype, int[] shape, double[] values, float[] floats) {
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (integerKeys.contains(e.getKey())) {
                entries.add(new Entry(e.getKey(), "I64", t.shape(), t.toDoubleArray(), null));
            } else if (t.dtype() == DType.FLOAT64) {
                entries.add(new Entry(e.getKey(), "F64", t.shape(), t.toDoubleArray(), null));
            } else {
                entries.add(new Entry(e.getKey(), "F32", t.shape(), null, t.toFloatArray()));
            }
        }
        // 8-byte types first so that every tensor starts aligned to its element size.
        entries.sort(Comparator.comparingInt((Entry en) -> -elementSize(en.dtype())));
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Entry en : entries) {
            long bytes = (long) (en.floats() != null ? en.floats().length : en.values().length) * elementSize(en.dtype());
            ObjectNode node = header.putObject(en.name());
            node.put("dtype", en.dtype());
            var shape = node.putArray("shape");
            for (int d : en.shape()) {
                shape.add(d);
            }
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(path, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            for (Entry en : entries) {
                int n = en.floats() != null ? en.floats().length : en.values().length;
                ByteBuffer buf = ByteBuffer.allocate(n * elementSize(en.dtype())).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    switch (en.dtype()) {
                        case "F32" -> buf.putFloat(en.floats()[i]);
                        case "F64" -> buf.putDouble(en.values()[i]);
                        default -> {
                            double v = en.values()[i];
                            if (v != Math.rint(v)) {
                                throw new IOException("tensor " + en.name() + " is written as I64 but holds " + v);
                            }
                            buf.putLong((long) v);
                        }
                    }
                }
                out.write(buf.array());
            }
        });
    }

    /** Reads and checks a safetensors file. */
    public static Contents read(Path path) {
        String file = path.getFileName().toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw fail(file, "is " + size + " bytes, too short for a safetensors header");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw fail(file, "is not a safetensors file: it declares a header of " + Long.toUnsignedString(headerLen)
                        + " bytes, but the file has " + (size - 8) + " bytes after the length (limit " + MAX_HEADER + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8, file);
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw fail(file, "has a header that is not valid JSON (" + Messages.oneLine(e.getOriginalMessage()) + ")");
            }
            if (header == null || !header.isObject()) {
                throw fail(file, "has a header that is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            record Spec(String name, String dtype, int[] shape, long begin, long end) {
            }
            List<Spec> specs = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                String name = f.getKey();
                JsonNode v = f.getValue();
                if (name.equals("__metadata__")) {
                    if (!v.isObject()) {
                        throw fail(file, "has __metadata__ that is not an object");
                    }
                    v.fields().forEachRemaining(m -> {
                        if (!m.getValue().isTextual()) {
                            throw fail(file, "has metadata " + Messages.quote(m.getKey()) + " that is not a string");
                        }
                        metadata.put(m.getKey(), m.getValue().asText());
                    });
                    continue;
                }
                if (!v.isObject() || !v.path("dtype").isTextual() || !v.path("shape").isArray()
                        || !v.path("data_offsets").isArray() || v.path("data_offsets").size() != 2) {
                    throw fail(file, "has an invalid entry for tensor " + Messages.quote(name));
                }
                String dtype = v.get("dtype").asText();
                int es = elementSize(dtype);
                if (es < 0) {
                    throw fail(file, "stores tensor " + Messages.quote(name) + " as " + Messages.oneLine(dtype) + "; Lethe reads F32, F64 and I64");
                }
                JsonNode sh = v.get("shape");
                if (sh.size() > MAX_RANK) {
                    throw fail(file, "gives tensor " + Messages.quote(name) + " " + sh.size() + " dimensions (at most "
                            + MAX_RANK + ")");
                }
                int[] shape = new int[sh.size()];
                long numel = 1;
                for (int d = 0; d < shape.length; d++) {
                    JsonNode dim = sh.get(d);
                    if (!dim.canConvertToLong() || !dim.isIntegralNumber() || dim.asLong() < 0 || dim.asLong() > Integer.MAX_VALUE) {
                        throw fail(file, "gives tensor " + Messages.quote(name) + " an invalid shape " + Messages.oneLine(sh.toString()));
                    }
                    shape[d] = (int) dim.asLong();
                    numel *= shape[d];
                    if (numel > Integer.MAX_VALUE) {
                        throw fail(file, "gives tensor " + Messages.quote(name) + " more than " + Integer.MAX_VALUE + " elements");
                    }
                }
                JsonNode off = v.get("data_offsets");
                if (!off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
                    throw fail(file, "gives tensor " + Messages.quote(name) + " non-integer data_offsets " + Messages.oneLine(off.toString()));
                }
                long begin = off.get(0).asLong();
                long end = off.get(1).asLong();
                if (begin < 0 || end < begin || end > dataSize) {
                    throw fail(file, "gives tensor " + Messages.quote(name) + " data_offsets [" + begin + ", " + end
                            + "] outside its " + dataSize + "-byte data section");
                }
                if (end - begin != numel * es) {
                    throw fail(file, "gives tensor " + Messages.quote(name) + " " + (end - begin) + " bytes, but " + dtype + " "
                            + java.util.Arrays.toString(shape) + " needs " + numel * es);
                }
                specs.add(new Spec(name, dtype, shape, begin, end));
            }
            List<Spec> byOffset = new ArrayList<>(specs);
            byOffset.sort(Comparator.comparingLong(Spec::begin).thenComparingLong(Spec::end));
            long expected = 0;
            for (Spec s : byOffset) {
                if (s.begin() != expected) {
                    throw fail(file, "has " + (s.begin() < expected ? "overlapping tensors" : "a gap") + " at byte "
                            + Math.min(s.begin(), expected) + " of the data section (tensor " + Messages.quote(s.name()) + ")");
                }
                expected = s.end();
            }
            if (expected != dataSize) {
                throw fail(file, "has " + (dataSize - expected) + " bytes after the last tensor");
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> types = new LinkedHashMap<>();
            for (Spec s : specs) {
                ByteBuffer data = ByteBuffer.allocate((int) (s.end() - s.begin())).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + s.begin(), file);
                data.flip();
                int n = (int) ((s.end() - s.begin()) / elementSize(s.dtype()));
                Tensor t;
                if (s.dtype().equals("F32")) {
                    float[] v = new float[n];
                    data.asFloatBuffer().get(v);
                    t = Tensor.of(v, s.shape());
                } else {
                    double[] v = new double[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = s.dtype().equals("F64") ? data.getDouble() : (double) data.getLong();
                    }
                    t = Tensor.of(DType.FLOAT64, v, s.shape());
                }
                tensors.put(s.name(), t);
                types.put(s.name(), s.dtype());
            }
            return new Contents(tensors, types, metadata);
        } catch (java.nio.file.NoSuchFileException e) {
            throw fail(file, "does not exist");
        } catch (IOException e) {
            throw fail(file, "cannot be read (" + Messages.oneLine(e.getMessage()) + ")");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw fail(file, "ends early (truncated)");
            }
            pos += r;
        }
    }

    private static CheckpointException fail(String file, String problem) {
        return new CheckpointException(file + " " + problem);
    }
}
