package org.cipherformer.threats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * T3's attacker: recovers vocabulary-map entries from cribs, i.e. plaintext the attacker knows sits at known places
 * in every permuted request. It sees only the permuted ids of each request (request boundaries are public: one RPC
 * per request) and knows the client's request layout {@code <bos> prefix text suffix <eos> [<pad> ...]} and the
 * template words (public client code), but not which template a request used.
 *
 * <ol>
 *   <li>{@code <bos>}: the id at position 0 of most requests.</li>
 *   <li>{@code <pad>} (fixed-shape clients): the id that ends requests in runs of two or more (text never repeats a
 *       token in a run as often); the content of a request ends at its last non-pad position.</li>
 *   <li>{@code <eos>}: the id at the content end of most requests.</li>
 *   <li>Templates, most fixed words first: every request not yet explained contributes the ids at the template's
 *       prefix positions (after {@code <bos>}) and suffix positions (before {@code <eos>}) if they are consistent
 *       with the template's words (the same word always the same id, different words different ids) and with the
 *       entries recovered so far; the most frequent consistent id pattern, if seen in at least {@code minSupport}
 *       requests, is taken as the template, its words become map entries and its requests are explained.</li>
 * </ol>
 * Every step is a vote over requests, so a user text that happens to look like a template does not move the result.
 */
public final class CribDragger {
    /**
     * What the cribs gave.
     *
     * @param anchors          {@code anchors[c]} = plaintext id recovered for permuted id c, or -1
     * @param entries          number of recovered entries
     * @param templatesFound   templates identified
     * @param requestsExplained requests assigned to an identified template
     */
    public record Cribs(int[] anchors, int entries, int templatesFound, int requestsExplained) {
    }

    private final int[] anchors;
    private final int[] cipherOf;

    private CribDragger(int vocab) {
        anchors = new int[vocab];
        cipherOf = new int[vocab];
        Arrays.fill(anchors, -1);
        Arrays.fill(cipherOf, -1);
    }

    /**
     * @param requests   permuted ids of each observed request
     * @param vocab      vocabulary size
     * @param bos        plaintext id of {@code <bos>}
     * @param eos        plaintext id of {@code <eos>}
     * @param pad        plaintext id of {@code <pad>}, or -1 if requests are not padded
     * @param prefixes   plaintext ids of each template's prefix
     * @param suffixes   plaintext ids of each template's suffix (same order)
     * @param minSupport requests that must show a template's pattern before it is accepted (>= 1)
     * @return the recovered entries
     */
    public static Cribs drag(List<int[]> requests, int vocab, int bos, int eos, int pad, List<int[]> prefixes,
                             List<int[]> suffixes, int minSupport) {
        if (minSupport < 1) {
            throw new IllegalArgumentException("minSupport must be >= 1, got " + minSupport);
        }
        if (prefixes.size() != suffixes.size()) {
            throw new IllegalArgumentException(prefixes.size() + " prefixes but " + suffixes.size() + " suffixes");
        }
        for (int[] r : requests) {
            for (int c : r) {
                if (c < 0 || c >= vocab) {
                    throw new IllegalArgumentException("observed id " + c + " outside [0, " + vocab + ")");
                }
            }
        }
        CribDragger d = new CribDragger(vocab);
        int half = (requests.size() + 1) / 2;
        // 1. <bos> at position 0
        int[] first = new int[vocab];
        for (int[] r : requests) {
            if (r.length > 0) {
                first[r[0]]++;
            }
        }
        int bosId = argmax(first);
        if (first[bosId] >= half) {
            d.assign(bosId, bos);
        }
        // 2. <pad>: the id that ends requests in runs of >= 2
        int padId = -1;
        if (pad >= 0) {
            long[] runScore = new long[vocab];
            for (int[] r : requests) {
                int n = r.length;
                int run = 1;
                while (run < n && r[n - 1 - run] == r[n - 1]) {
                    run++;
                }
                if (n > 0) {
                    runScore[r[n - 1]] += run - 1;
                }
            }
            int best = argmax(runScore);
            if (runScore[best] > 0 && d.assign(best, pad)) {
                padId = best;
            }
        }
        int[] end = new int[requests.size()];
        for (int i = 0; i < end.length; i++) {
            int[] r = requests.get(i);
            int e = r.length - 1;
            while (padId >= 0 && e > 0 && r[e] == padId) {
                e--;
            }
            end[i] = e;
        }
        // 3. <eos> at the content end
        int[] last = new int[vocab];
        for (int i = 0; i < end.length; i++) {
            last[requests.get(i)[end[i]]]++;
        }
        int eosId = argmax(last);
        if (last[eosId] >= half) {
            d.assign(eosId, eos);
        }
        // 4. templates, most fixed words first
        Integer[] order = new Integer[prefixes.size()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, Comparator.<Integer>comparingInt(k -> -(prefixes.get(k).length
                + suffixes.get(k).length)).thenComparingInt(k -> k));
        boolean[] explained = new boolean[requests.size()];
        int found = 0;
        int explainedCount = 0;
        for (int k : order) {
            int[] pre = prefixes.get(k);
            int[] suf = suffixes.get(k);
            int[] words = concat(pre, suf);
            if (words.length == 0) {
                continue;
            }
            Map<String, List<Integer>> votes = new HashMap<>();
            for (int i = 0; i < requests.size(); i++) {
                if (explained[i]) {
                    continue;
                }
                int[] ids = d.pattern(requests.get(i), end[i], pre.length, suf.length);
                if (ids != null && d.consistent(ids, words)) {
                    votes.computeIfAbsent(Arrays.toString(ids), x -> new ArrayList<>()).add(i);
                }
            }
            List<Integer> best = null;
            for (List<Integer> v : votes.values()) {
                if (best == null || v.size() > best.size()
                        || (v.size() == best.size() && v.get(0) < best.get(0))) {
                    best = v;
                }
            }
            if (best == null || best.size() < minSupport) {
                continue;
            }
            int[] ids = d.pattern(requests.get(best.get(0)), end[best.get(0)], pre.length, suf.length);
            for (int j = 0; j < ids.length; j++) {
                d.assign(ids[j], words[j]);
            }
            found++;
            for (int i : best) {
                explained[i] = true;
                explainedCount++;
            }
        }
        int entries = 0;
        for (int a : d.anchors) {
            entries += a >= 0 ? 1 : 0;
        }
        return new Cribs(d.anchors.clone(), entries, found, explainedCount);
    }

    /** Ids at the prefix positions 1..a and the suffix positions end-b..end-1, or null if the request is too short. */
    private int[] pattern(int[] r, int end, int a, int b) {
        if (1 + a + 1 + b > end) {
            return null; // no room for at least one text token between prefix and suffix
        }
        int[] ids = new int[a + b];
        System.arraycopy(r, 1, ids, 0, a);
        System.arraycopy(r, end - b, ids, a, b);
        return ids;
    }

    /** Same word <=> same id within the pattern, and no clash with recovered entries. */
    private boolean consistent(int[] ids, int[] words) {
        for (int i = 0; i < ids.length; i++) {
            if (anchors[ids[i]] >= 0 && anchors[ids[i]] != words[i]) {
                return false;
            }
            if (cipherOf[words[i]] >= 0 && cipherOf[words[i]] != ids[i]) {
                return false;
            }
            for (int j = 0; j < i; j++) {
                if ((ids[i] == ids[j]) != (words[i] == words[j])) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean assign(int cipher, int plain) {
        if (anchors[cipher] == plain) {
            return true;
        }
        if (anchors[cipher] >= 0 || cipherOf[plain] >= 0) {
            return false;
        }
        anchors[cipher] = plain;
        cipherOf[plain] = cipher;
        return true;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int argmax(int[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int argmax(long[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
