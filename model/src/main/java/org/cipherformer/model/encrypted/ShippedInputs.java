package org.cipherformer.model.encrypted;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.model.format.ModelDirectory;
import org.cipherformer.model.reference.ReferenceLogitsCheck;
import org.cipherformer.model.tokenizer.WordTokenizer;

/** The shipped sample inputs (data/) in the form the encrypted path takes them. */
public final class ShippedInputs {
  private ShippedInputs() {
  }

  /**
   * @param repoRoot repository root
   * @return the 64 shipped Fashion-MNIST images as pixel arrays (0..255)
   */
  public static List<double[]> images(Path repoRoot) throws IOException {
    FashionMnist.Samples s = FashionMnist.shippedSamples(repoRoot);
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      out.add(s.image(i));
    }
    return out;
  }

  /**
   * A prompt of exactly {@code tokens} ids from data/prompts/prompts.txt, in the form the LM was trained on: the
   * stream {@code <bos> line_i <eos> <bos> line_{i+1} <eos> ...} (ids of {@code [<bos>] + encode(line)} as in
   * {@code ReferenceLogitsCheck.promptIds}, each followed by {@code <eos>}), cut to {@code tokens} ids. The stream
   * starts at the first line i for which the cut does not end on a special token (so the next-token question is
   * about a word, not about the trivial {@code <bos>} after {@code <eos>}).
   *
   * @param model    the LM (its tokenizer)
   * @param repoRoot repository root
   * @param tokens   prompt length wanted, >= 1
   * @return the ids
   * @throws IllegalArgumentException if the prompts cannot give such a window
   */
  public static int[] prompt(ModelDirectory.Model model, Path repoRoot, int tokens) throws IOException {
    if (tokens < 1) {
      throw new IllegalArgumentException("prompt length must be >= 1, got " + tokens);
    }
    List<String> lines = ReferenceLogitsCheck.prompts(repoRoot);
    for (int first = 0; first < lines.size(); first++) {
      List<Integer> stream = new ArrayList<>();
      for (int i = first; i < lines.size() && stream.size() < tokens; i++) {
        for (int id : ReferenceLogitsCheck.promptIds(model.tokenizer(), lines.get(i), Integer.MAX_VALUE)) {
          stream.add(id);
        }
        stream.add(WordTokenizer.EOS);
      }
      if (stream.size() >= tokens && stream.get(tokens - 1) >= WordTokenizer.SPECIALS.size()) {
        int[] ids = new int[tokens];
        for (int t = 0; t < tokens; t++) {
          ids[t] = stream.get(t);
        }
        return ids;
      }
    }
    throw new IllegalArgumentException("the shipped prompts give no " + tokens + "-token window");
  }
}
