package org.cipherformer.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cipherformer.model.tokenizer.WordTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FortuneCorpusTest {

    @Test
    void readsFilesWithoutExtensionInNameOrderAndHoldsOutEveryTenthFortune(@TempDir Path dir) throws IOException {
        // 25 fortunes over two files ("b" sorts after "a"), plus files the corpus must skip
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            a.append("  fortune ").append(i).append("\nsecond line\n%\n");
        }
        a.append("%\n   \n%\n"); // empty fortunes are dropped and do not count
        StringBuilder b = new StringBuilder();
        for (int i = 12; i < 25; i++) {
            b.append(i == 12 ? "" : "%\n").append("fortune ").append(i).append('\n');
        }
        Files.writeString(dir.resolve("b"), b, StandardCharsets.ISO_8859_1);
        Files.writeString(dir.resolve("a"), a, StandardCharsets.ISO_8859_1);
        Files.writeString(dir.resolve("a.dat"), "%\nnot a fortune\n", StandardCharsets.ISO_8859_1);
        Files.createDirectory(dir.resolve("sub"));

        FortuneCorpus c = FortuneCorpus.load(dir);
        List<String> expectedValidation = new ArrayList<>();
        List<String> expectedTrain = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String f = i < 12 ? "fortune " + i + "\nsecond line" : "fortune " + i;
            (i % 10 == 0 ? expectedValidation : expectedTrain).add(f);
        }
        assertEquals(expectedValidation, c.validation());
        assertEquals(expectedTrain, c.train());
        assertEquals(List.of("fortune 0\nsecond line", "fortune 10\nsecond line", "fortune 20"), c.validation());
        assertTrue(FortuneCorpus.isValidation(30) && !FortuneCorpus.isValidation(31));
    }

    @Test
    void refusesADirectoryWithoutFortunes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("x.dat"), "y");
        IOException e = assertThrows(IOException.class, () -> FortuneCorpus.load(dir));
        assertTrue(e.getMessage().contains("no fortune files"), e.getMessage());
    }

    @Test
    void streamWrapsEachFortuneInBosAndEos() {
        WordTokenizer tok = WordTokenizer.train(List.of("the cat sat", "a dog"), 20);
        int[] s = FortuneCorpus.stream(List.of("the cat", "zebra dog"), tok);
        assertArrayEquals(new int[] {WordTokenizer.BOS, tok.id("the"), tok.id("cat"), WordTokenizer.EOS,
            WordTokenizer.BOS, WordTokenizer.UNK, tok.id("dog"), WordTokenizer.EOS}, s);
        assertEquals(0, FortuneCorpus.stream(List.of(), tok).length);
    }
}
