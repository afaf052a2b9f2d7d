package org.cipherformer.threats;

import java.util.List;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * A fixed wrapper a client application puts around every user text it sends to the LM (a prompt template): the
 * request is {@code <bos> prefix text suffix <eos>}, optionally right-padded with {@code <pad>} to the context length.
 * The template's words are public (they ship in the client application) and, under EE, cribs: known plaintext at
 * known offsets from the start and from the end of the content.
 *
 * @param name   short name for reports
 * @param prefix words after {@code <bos>}, before the user text
 * @param suffix words after the user text, before {@code <eos>}
 */
public record RequestTemplate(String name, List<String> prefix, List<String> suffix) {
    public RequestTemplate {
        prefix = List.copyOf(prefix);
        suffix = List.copyOf(suffix);
    }

    /**
     * The template set of the simulated fortune application (every word is in the shipped tiny-lm vocabulary; the
     * shapes (prefix length, suffix length) differ, so an attacker can tell the templates apart by position):
     * {@code tell me a fortune about ... .}, {@code you will have a ...}, a question/answer chat turn
     * {@code q : ... a :}, a quotation {@code " ... "}, and the bare text.
     *
     * @return the templates, in the order the attacker tries them (most fixed words first)
     */
    public static List<RequestTemplate> fortuneApp() {
        return List.of(
                new RequestTemplate("tell", List.of("tell", "me", "a", "fortune", "about"), List.of(".")),
                new RequestTemplate("complete", List.of("you", "will", "have", "a"), List.of()),
                new RequestTemplate("chat", List.of("q", ":"), List.of("a", ":")),
                new RequestTemplate("quote", List.of("\""), List.of("\"")),
                new RequestTemplate("plain", List.of(), List.of()));
    }

    /**
     * @param tok the tokenizer
     * @return the prefix as ids
     * @throws IllegalArgumentException if a word is not in the vocabulary (it would become {@code <unk>})
     */
    public int[] prefixIds(WordTokenizer tok) {
        return ids(prefix, tok);
    }

    /**
     * @param tok the tokenizer
     * @return the suffix as ids
     * @throws IllegalArgumentException if a word is not in the vocabulary
     */
    public int[] suffixIds(WordTokenizer tok) {
        return ids(suffix, tok);
    }

    /** @return number of fixed words (prefix plus suffix) */
    public int fixedWords() {
        return prefix.size() + suffix.size();
    }

    private int[] ids(List<String> words, WordTokenizer tok) {
        int[] out = new int[words.size()];
        for (int i = 0; i < out.length; i++) {
            int id = tok.id(words.get(i));
            if (id == WordTokenizer.UNK) {
                throw new IllegalArgumentException("template " + name + ": word \"" + words.get(i)
                        + "\" is not in the vocabulary");
            }
            out[i] = id;
        }
        return out;
    }
}
