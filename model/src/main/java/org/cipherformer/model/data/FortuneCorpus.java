package org.cipherformer.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * The fortunes corpus (Debian package "fortunes") and its train/validation split, shared by the trainer (which trains
 * tiny-lm on it) and the accuracy report (which measures validation perplexity on it), so the two cannot drift apart.
 *
 * <p>Corpus: every regular file without an extension in the directory, in file-name order, decoded as Latin-1;
 * fortunes are separated by lines holding a single '%'; each fortune is trimmed and empty ones are dropped.
 *
 * <p>Split: fortune number i (0-based, in that order) is a validation fortune when {@code i % 10 == 0} (10% held
 * out), otherwise a training fortune. The tokenizer's vocabulary is built from the training fortunes only.
 */
public final class FortuneCorpus {
    /** Where the Debian package fortunes installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/games/fortunes");
    /** Every VALIDATION_EVERY-th fortune is held out. */
    public static final int VALIDATION_EVERY = 10;

    private final List<String> train;
    private final List<String> validation;

    private FortuneCorpus(List<String> train, List<String> validation) {
        this.train = List.copyOf(train);
        this.validation = List.copyOf(validation);
    }

    /** @return the training fortunes, in corpus order */
    public List<String> train() {
        return train;
    }

    /** @return the validation fortunes (every {@link #VALIDATION_EVERY}-th, starting with the first), in order */
    public List<String> validation() {
        return validation;
    }

    /**
     * @param index a fortune's 0-based position in the corpus
     * @return whether it belongs to the validation split
     */
    public static boolean isValidation(int index) {
        return index % VALIDATION_EVERY == 0;
    }

    /** @return the Debian package's corpus, split */
    public static FortuneCorpus debian() throws IOException {
        return load(DEBIAN_DIR);
    }

    /**
     * Reads and splits a fortune directory (see the class comment).
     *
     * @param dir directory of fortune files
     * @return the split corpus
     * @throws IOException if the directory holds no fortune file or reading fails
     */
    public static FortuneCorpus load(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().contains(".")).sorted()
                    .forEach(files::add);
        }
        if (files.isEmpty()) {
            throw new IOException(dir + ": no fortune files (install the Debian package 'fortunes')");
        }
        List<String> all = new ArrayList<>();
        for (Path f : files) {
            // Latin-1 never fails to decode; the files are ASCII apart from a few stray bytes
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            StringBuilder cur = new StringBuilder();
            for (String line : text.split("\n", -1)) {
                if (line.equals("%")) {
                    add(all, cur);
                } else {
                    cur.append(line).append('\n');
                }
            }
            add(all, cur);
        }
        List<String> train = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (isValidation(i) ? validation : train).add(all.get(i));
        }
        return new FortuneCorpus(train, validation);
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    /**
     * The token stream the LM trains and is evaluated on: the concatenation of
     * {@code [<bos>] + encode(fortune) + [<eos>]} over the fortunes, in order.
     *
     * @param fortunes  fortunes
     * @param tokenizer the model's tokenizer
     * @return the ids
     */
    public static int[] stream(List<String> fortunes, WordTokenizer tokenizer) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (String f : fortunes) {
            int[] ids = tokenizer.encode(f);
            parts.add(ids);
            total += ids.length + 2;
        }
        int[] out = new int[total];
        int o = 0;
        for (int[] ids : parts) {
            out[o++] = WordTokenizer.BOS;
            System.arraycopy(ids, 0, out, o, ids.length);
            o += ids.length;
            out[o++] = WordTokenizer.EOS;
        }
        return out;
    }
}
