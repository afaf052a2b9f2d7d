package org.cipherformer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.tokenizer.WordTokenizer;
import org.junit.jupiter.api.Test;

/** Prompts are fitted to the server's exact prompt length as the LM's training stream would show them. */
class NextTokenFitTest {
  @Test
  void shortPromptsArePrecededBySeparatorsLongOnesKeepTheirEnd() throws Exception {
    WordTokenizer tok = ModelDirectory.load(RepoPaths.root().resolve("models/tiny-lm")).tokenizer();
    int[] body = tok.encode("you will have a");
    int[] ids = NextTokenCommand.fit(tok, "you will have a", 8);
    assertEquals(8, ids.length);
    int pad = 8 - body.length - 1;
    assertEquals(WordTokenizer.BOS, ids[pad]);
    assertEquals(WordTokenizer.EOS, ids[pad - 1], "the token before <bos> ends the previous line");
    assertArrayEquals(body, java.util.Arrays.copyOfRange(ids, pad + 1, 8));

    int[] longIds = NextTokenCommand.fit(tok, "a b c d e f g h i j k l m n o p q r s t", 4);
    assertArrayEquals(java.util.Arrays.copyOfRange(tok.encode("a b c d e f g h i j k l m n o p q r s t"),
        16, 20), longIds);
  }
}
