package org.cipherformer.threats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.cipherformer.model.tokenizer.WordTokenizer;

/**
 * The plaintext requests a client of the simulated fortune application sends: each fortune becomes one request
 * {@code <bos> prefix text suffix <eos> [<pad> ...]} under a template drawn at random, its text truncated so the
 * request fits the model's context. Also used to build the attacker's public training text (the attacker knows the
 * application, so it wraps public fortunes the same way).
 */
public final class RequestTraffic {
    /**
     * One plaintext request.
     *
     * @param ids          token ids, {@code ids[0] = <bos>}
     * @param template     index of the template used
     * @param contentStart first position of the user text
     * @param contentEnd   position after the user text (where the suffix starts)
     */
    public record Request(int[] ids, int template, int contentStart, int contentEnd) {
        /** @return whether position i holds user text (the part the client wants to keep private) */
        public boolean isUserText(int i) {
            return i >= contentStart && i < contentEnd;
        }
    }

    private RequestTraffic() {
    }

    /**
     * @param fortunes  one user text per request (requests whose text encodes to nothing are skipped)
     * @param tok       the model's tokenizer
     * @param templates the application's templates
     * @param context   the model's context length (a request never exceeds it)
     * @param pad       whether requests are right-padded with {@code <pad>} to the context length (a fixed-shape
     *                  client)
     * @param random    draws the template of each request (the client's choice, not secret key material)
     * @return the requests, in fortune order
     * @throws IllegalArgumentException if a template does not leave room for at least one text token
     */
    public static List<Request> build(List<String> fortunes, WordTokenizer tok, List<RequestTemplate> templates,
                                      int context, boolean pad, Random random) {
        int[][] pre = new int[templates.size()][];
        int[][] suf = new int[templates.size()][];
        for (int k = 0; k < templates.size(); k++) {
            pre[k] = templates.get(k).prefixIds(tok);
            suf[k] = templates.get(k).suffixIds(tok);
            if (pre[k].length + suf[k].length + 3 > context) {
                throw new IllegalArgumentException("template " + templates.get(k).name() + " leaves no room for text "
                        + "in a context of " + context);
            }
        }
        List<Request> out = new ArrayList<>();
        for (String f : fortunes) {
            int[] text = tok.encode(f);
            int k = random.nextInt(templates.size());
            if (text.length == 0) {
                continue;
            }
            int room = context - 2 - pre[k].length - suf[k].length;
            int n = Math.min(room, text.length);
            int len = 2 + pre[k].length + n + suf[k].length;
            int[] ids = new int[pad ? context : len];
            Arrays.fill(ids, WordTokenizer.PAD);
            int o = 0;
            ids[o++] = WordTokenizer.BOS;
            System.arraycopy(pre[k], 0, ids, o, pre[k].length);
            o += pre[k].length;
            int start = o;
            System.arraycopy(text, 0, ids, o, n);
            o += n;
            int end = o;
            System.arraycopy(suf[k], 0, ids, o, suf[k].length);
            o += suf[k].length;
            ids[o] = WordTokenizer.EOS;
            out.add(new Request(ids, k, start, end));
        }
        return out;
    }

    /**
     * @param requests requests
     * @return their ids concatenated
     */
    public static int[] concat(List<Request> requests) {
        int n = 0;
        for (Request r : requests) {
            n += r.ids().length;
        }
        int[] out = new int[n];
        int o = 0;
        for (Request r : requests) {
            System.arraycopy(r.ids(), 0, out, o, r.ids().length);
            o += r.ids().length;
        }
        return out;
    }

    /**
     * @param requests requests
     * @param tokens   a token budget
     * @return the longest leading run of whole requests with at most {@code tokens} ids in total (at least one)
     */
    public static List<Request> firstTokens(List<Request> requests, int tokens) {
        int n = 0;
        int k = 0;
        while (k < requests.size() && (k == 0 || n + requests.get(k).ids().length <= tokens)) {
            n += requests.get(k).ids().length;
            k++;
        }
        return requests.subList(0, k);
    }
}
