package org.cipherformer.trainer;

import org.cipherformer.model.tokenizer.WordTokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fortunes corpus (Debian package "fortunes"): every regular file without an extension in the directory, in
 * file-name order; fortunes are separated by lines holding a single '%'.
 *
 * <p>Split: fortune number i (0-based, in that order) is a validation fortune when i % 10 == 0 (10% held out),
 * otherwise a training fortune. The tokenizer's vocabulary is built from the training fortunes only.
 */
public final class FortuneCorpus {
    public static final Path DEBIAN_DIR = Path.of("/usr/share/games/fortunes");
    /** Every VALIDATION_EVERY-th fortune is held out. */
    public static final int VALIDATION_EVERY = 10;

    public final List<String> train;
    public final List<String> validation;

    private FortuneCorpus(List<String> train, List<String> validation) {
        this.train = train;
        this.validation = validation;
    }

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
            (i % VALIDATION_EVERY == 0 ? validation : train).add(all.get(i));
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

    /** Concatenates [<bos>] + encode(fortune) + [<eos>] over the fortunes. */
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
