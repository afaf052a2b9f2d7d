package org.cipherformer.model.reference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.format.ModelFormatException;
import org.cipherformer.model.format.SafeTensors;
import org.cipherformer.model.format.Task;
import org.cipherformer.model.format.Tensor;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * Compares a model's {@code reference-logits.safetensors} (the trainer's logits on the shipped samples) with the Java
 * reference's logits on the same inputs, as specified in docs/model-format.md ("Reference logits").
 */
public final class ReferenceLogitsCheck {
    /** File name inside a model directory. */
    public static final String FILE = "reference-logits.safetensors";
    /** Agreement required between the trainer and the Java reference. */
    public static final double TOLERANCE = 1e-4;

    private ReferenceLogitsCheck() {
    }

    /**
     * Outcome of one comparison.
     *
     * @param model       model directory
     * @param compared    number of logits compared
     * @param maxAbsDiff  largest absolute difference
     * @param worstEntry  where it occurred, e.g. "logits[3][7]"
     */
    public record Outcome(Path model, long compared, double maxAbsDiff, String worstEntry) {
        /** @return whether {@code maxAbsDiff <= TOLERANCE} */
        public boolean agrees() {
            return maxAbsDiff <= TOLERANCE;
        }
    }

    /**
     * The LM input ids of one prompt: {@code [<bos>] + encode(line)}, truncated to seqLen.
     *
     * @param tokenizer the model's tokenizer
     * @param line      prompt text
     * @param seqLen    context length
     * @return the ids
     */
    public static int[] promptIds(WordTokenizer tokenizer, String line, int seqLen) {
        int[] body = tokenizer.encode(line);
        int[] ids = new int[Math.min(seqLen, body.length + 1)];
        ids[0] = WordTokenizer.BOS;
        System.arraycopy(body, 0, ids, 1, ids.length - 1);
        return ids;
    }

    /**
     * @param repoRoot repository root
     * @return the non-empty lines of data/prompts/prompts.txt
     */
    public static List<String> prompts(Path repoRoot) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(repoRoot.resolve("data/prompts/prompts.txt"), StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * Runs the comparison for one model directory.
     *
     * @param modelDir the model directory (with reference-logits.safetensors)
     * @param repoRoot repository root (for data/)
     * @return the outcome (the caller decides about the tolerance)
     * @throws ModelFormatException if the logits file is missing, malformed or of the wrong shape
     * @throws IOException          if reading fails
     */
    public static Outcome run(Path modelDir, Path repoRoot) throws IOException {
        ReferenceModel ref = ReferenceModel.load(modelDir);
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file + ": missing; every shipped model needs reference logits");
        }
        Map<String, Tensor> tensors = SafeTensors.read(file).tensors();
        Diff diff = new Diff();
        if (ref.config().task() == Task.IMAGE_CLASSIFICATION) {
            requireOnly(file, tensors, Set.of("logits"), Set.of("logits"));
            FashionMnist.Samples s = FashionMnist.shippedSamples(repoRoot);
            int classes = ref.config().architecture().image().numClasses();
            Tensor expected = requireShape(file, tensors.get("logits"), "logits", s.size(), classes);
            for (int i = 0; i < s.size(); i++) {
                double[] got = ref.classify(s.image(i)).logits()[0];
                for (int c = 0; c < classes; c++) {
                    diff.add(expected.get(i * classes + c), got[c], "logits[" + i + "][" + c + "]");
                }
            }
        } else {
            requireOnly(file, tensors, Set.of("logits", "logits_last"), Set.of());
            if (tensors.isEmpty()) {
                throw new ModelFormatException(file + ": needs tensor \"logits\" or \"logits_last\"");
            }
            List<String> prompts = prompts(repoRoot);
            int seq = ref.config().architecture().seqLen();
            int vocab = ref.config().architecture().vocabSize();
            WordTokenizer tok = ref.model().tokenizer();
            Tensor last = tensors.get("logits_last");
            Tensor full = tensors.get("logits");
            if (last != null) {
                requireShape(file, last, "logits_last", prompts.size(), vocab);
            }
            if (full != null) {
                requireShape(file, full, "logits", prompts.size(), seq, vocab);
            }
            for (int p = 0; p < prompts.size(); p++) {
                int[] ids = promptIds(tok, prompts.get(p), seq);
                if (last != null) {
                    double[][] got = ref.languageModel(ids).logits();
                    for (int v = 0; v < vocab; v++) {
                        diff.add(last.get(p * vocab + v), got[ids.length - 1][v], "logits_last[" + p + "][" + v + "]");
                    }
                }
                if (full != null) {
                    int[] padded = Arrays.copyOf(ids, seq); // pads with 0 = <pad>
                    double[][] got = ref.languageModel(padded).logits();
                    for (int t = 0; t < seq; t++) {
                        for (int v = 0; v < vocab; v++) {
                            diff.add(full.get((p * seq + t) * vocab + v), got[t][v],
                                    "logits[" + p + "][" + t + "][" + v + "]");
                        }
                    }
                }
            }
        }
        return new Outcome(modelDir, diff.count, diff.max, diff.where);
    }

    private static final class Diff {
        long count;
        double max;
        String where = "none";

        void add(double expected, double got, String entry) {
            count++;
            double d = Math.abs(expected - got);
            if (!(d <= max)) { // NaN propagates as the worst
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                where = entry;
            }
        }
    }

    private static void requireOnly(Path file, Map<String, Tensor> tensors, Set<String> allowed, Set<String> required)
            throws ModelFormatException {
        for (String name : tensors.keySet()) {
            if (!allowed.contains(name)) {
                throw new ModelFormatException(file + ": unexpected tensor \"" + name + "\" (allowed: " + allowed + ")");
            }
        }
        for (String name : required) {
            if (!tensors.containsKey(name)) {
                throw new ModelFormatException(file + ": missing tensor \"" + name + "\"");
            }
        }
    }

    private static Tensor requireShape(Path file, Tensor t, String name, int... shape) throws ModelFormatException {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelFormatException(file + ": tensor \"" + name + "\" has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        return t;
    }
}
