package org.cipherformer.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.cipherformer.model.format.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordTokenizerTest {
    private static final List<String> CORPUS = List.of("The cat sat. The cat ran!", "A dog's bone; the DOG ran.",
            "zebra yak");

    @Test
    void vocabIsSpecialsThenByFrequencyThenLexicographic() {
        WordTokenizer t = WordTokenizer.train(CORPUS, 11);
        // counts: the 3, . 2, cat 2, ran 2, dog 1, dog's 1, a 1, bone 1, ! 1, ; 1, sat 1, yak 1, zebra 1
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "the", ".", "cat", "ran", "!", ";", "a"), t.vocab());
    }

    @Test
    void splitsWordsContractionsAndPunctuation() {
        WordTokenizer t = WordTokenizer.train(CORPUS, 100);
        assertEquals(List.of("a", "dog's", "bone", ";", "don't", "<eos>", "!"), t.tokenize("A dog's  bone;don't<eos>!"));
    }

    @Test
    void encodeMapsUnknownToUnkAndDecodeRoundTrips() {
        WordTokenizer t = WordTokenizer.train(CORPUS, 100);
        int[] ids = t.encode("the zebra flew.");
        assertEquals(WordTokenizer.UNK, ids[2]);
        assertEquals("the zebra <unk> .", t.decode(ids));
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int[] r = new int[1 + rnd.nextInt(12)];
            for (int i = 0; i < r.length; i++) {
                r[i] = rnd.nextInt(t.vocabSize());
            }
            assertArrayEquals(r, t.encode(t.decode(r)), t.decode(r));
        }
    }

    @Test
    void trainingIsDeterministicAndOrderIndependent() {
        List<String> shuffled = new ArrayList<>(CORPUS);
        Collections.shuffle(shuffled, new Random(1));
        assertEquals(WordTokenizer.train(CORPUS, 12).vocab(), WordTokenizer.train(shuffled, 12).vocab());
    }

    @Test
    void saveLoadRoundTrip(@TempDir Path tmp) throws Exception {
        WordTokenizer t = WordTokenizer.train(CORPUS, 9);
        Path f = tmp.resolve("tokenizer.json");
        t.save(f);
        WordTokenizer back = WordTokenizer.load(f);
        assertEquals(t.vocab(), back.vocab());
        assertEquals(t.pattern(), back.pattern());
        assertArrayEquals(t.encode("the cat's dog ran"), back.encode("the cat's dog ran"));
    }

    @Test
    void loadRejectsMalformedFiles() {
        String ok = WordTokenizer.train(CORPUS, 9).toJson();
        String[][] cases = {
            {ok.replace("\"<unk>\"", "\"<unknown>\""), "unk"},
            {ok.replace("\"the\"", "\".\""), "duplicates"},
            {ok.replace("word-level", "bpe"), "type"},
            {ok.replace(WordTokenizer.DEFAULT_PATTERN.replace("\\", "\\\\"), "[a-z"), "not a valid Java regex"},
            {ok.replace(WordTokenizer.DEFAULT_PATTERN.replace("\\", "\\\\"), "a*"), "matches the empty string"},
            {ok.substring(0, ok.length() / 2), "invalid JSON"},
        };
        for (String[] c : cases) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> WordTokenizer.parse(c[0], "t.json"),
                    c[1]);
            assertTrue(e.getMessage().startsWith("t.json: ") && e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
