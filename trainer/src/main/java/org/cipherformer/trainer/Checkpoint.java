package org.cipherformer.trainer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainer's own snapshot of a trained network (float32 tensors + string metadata), written as soon as training
 * ends so that export to the model format can be redone without retraining. Not a shipped format.
 */
public final class Checkpoint {
    private static final int MAGIC = 0x43464b31; // "CFK1"

    public final Map<String, String> metadata;
    public final Map<String, long[]> shapes;
    public final Map<String, float[]> tensors;

    public Checkpoint(Map<String, String> metadata, Map<String, long[]> shapes, Map<String, float[]> tensors) {
        this.metadata = metadata;
        this.shapes = shapes;
        this.tensors = tensors;
    }

    /**
     * The metadata every training run records in its checkpoints, in this order: model, variant, seed, epochs,
     * epochs_completed, init and init_epochs (when continued from a checkpoint), batch, lr, range_weight. Callers add
     * their own entries after these.
     *
     * @param init the checkpoint the run continued from, or null
     */
    public static Map<String, String> runMetadata(String model, String variant, long seed, int epochs,
                                                  int epochsCompleted, Checkpoint init, int batch, float lr,
                                                  double rangeWeight) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", model);
        meta.put("variant", variant);
        meta.put("seed", Long.toString(seed));
        meta.put("epochs", Integer.toString(epochs));
        meta.put("epochs_completed", Integer.toString(epochsCompleted));
        if (init != null) {
            meta.put("init", init.metadata.get("command"));
            meta.put("init_epochs", init.metadata.getOrDefault("epochs_completed", init.metadata.get("epochs")));
        }
        meta.put("batch", Integer.toString(batch));
        meta.put("lr", Float.toString(lr));
        meta.put("range_weight", Double.toString(rangeWeight));
        return meta;
    }

    public void write(Path path) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(MAGIC);
            out.writeInt(metadata.size());
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                out.writeUTF(e.getKey());
                byte[] v = e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(v.length);
                out.write(v);
            }
            out.writeInt(tensors.size());
            for (Map.Entry<String, float[]> e : tensors.entrySet()) {
                out.writeUTF(e.getKey());
                long[] s = shapes.get(e.getKey());
                out.writeInt(s.length);
                for (long d : s) {
                    out.writeLong(d);
                }
                float[] v = e.getValue();
                out.writeInt(v.length);
                for (float f : v) {
                    out.writeFloat(f);
                }
            }
        }
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public static Checkpoint read(Path path) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(path + ": not a trainer checkpoint");
            }
            Map<String, String> meta = new LinkedHashMap<>();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String k = in.readUTF();
                byte[] v = new byte[in.readInt()];
                in.readFully(v);
                meta.put(k, new String(v, java.nio.charset.StandardCharsets.UTF_8));
            }
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, float[]> tensors = new LinkedHashMap<>();
            int t = in.readInt();
            for (int i = 0; i < t; i++) {
                String name = in.readUTF();
                long[] s = new long[in.readInt()];
                for (int j = 0; j < s.length; j++) {
                    s[j] = in.readLong();
                }
                float[] v = new float[in.readInt()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = in.readFloat();
                }
                shapes.put(name, s);
                tensors.put(name, v);
            }
            return new Checkpoint(meta, shapes, tensors);
        }
    }
}
