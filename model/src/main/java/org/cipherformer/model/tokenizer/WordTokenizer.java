package org.cipherformer.model.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.cipherformer.model.format.JsonSupport;
import org.cipherformer.model.format.ModelFormatException;

/**
 * Word-level tokenizer of the causal LM (tokenizer.json in docs/model-format.md).
 *
 * <p>Encoding: lowercase the text (if {@code lowercase}, with {@link Locale#ROOT}), then scan it left to right; at each
 * position a special-token string (e.g. {@code <eos>}) written literally is matched first, otherwise the next match of
 * {@code pattern}; characters that neither matches (whitespace) are skipped. Each token maps to its index in
 * {@code vocab}, or to {@code <unk>}.
 *
 * <p>Training: count the pattern's tokens over the corpus lines; the vocabulary is the four special tokens followed by
 * the most frequent tokens, ties broken by lexicographic order ({@link String#compareTo}), {@code vocabSize} in total.
 * The result depends only on the multiset of tokens, so it is deterministic.
 */
public final class WordTokenizer {
    /** Default split pattern: words with an optional contraction suffix, or one punctuation mark. */
    public static final String DEFAULT_PATTERN = "[a-z0-9]+(?:'[a-z]+)?|[^\\sa-z0-9]";
    /** Pad token id. */
    public static final int PAD = 0;
    /** Unknown token id. */
    public static final int UNK = 1;
    /** Begin-of-sequence token id. */
    public static final int BOS = 2;
    /** End-of-sequence token id. */
    public static final int EOS = 3;
    /** Special token strings in id order. */
    public static final List<String> SPECIALS = List.of("<pad>", "<unk>", "<bos>", "<eos>");
    /** Largest vocabulary accepted. */
    public static final int MAX_VOCAB = 1 << 20;
    /** Largest tokenizer.json accepted. */
    public static final long MAX_FILE_BYTES = 64L << 20;

    private final boolean lowercase;
    private final String patternText;
    private final Pattern tokenPattern;
    private final List<String> vocab;
    private final Map<String, Integer> ids;

    /**
     * @param lowercase whether to lowercase text before splitting
     * @param pattern   Java regex matching one token
     * @param vocab     id to token; must start with {@link #SPECIALS} and hold no duplicates or empty strings
     * @throws IllegalArgumentException if the pattern does not compile, matches the empty string, or the vocab is bad
     */
    public WordTokenizer(boolean lowercase, String pattern, List<String> vocab) {
        if (pattern == null) {
            throw new IllegalArgumentException("pattern is missing");
        }
        try {
            this.tokenPattern = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("pattern \"" + pattern + "\" is not a valid Java regex: "
                    + e.getDescription());
        }
        if (tokenPattern.matcher("").matches()) {
            throw new IllegalArgumentException("pattern \"" + pattern + "\" matches the empty string");
        }
        if (vocab == null || vocab.size() < SPECIALS.size() + 1 || vocab.size() > MAX_VOCAB) {
            throw new IllegalArgumentException("vocab size must be in [" + (SPECIALS.size() + 1) + ", " + MAX_VOCAB
                    + "], got " + (vocab == null ? 0 : vocab.size()));
        }
        for (int i = 0; i < SPECIALS.size(); i++) {
            if (!SPECIALS.get(i).equals(vocab.get(i))) {
                throw new IllegalArgumentException("vocab[" + i + "] must be " + SPECIALS.get(i) + ", got \""
                        + vocab.get(i) + "\"");
            }
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            String t = vocab.get(i);
            if (t == null || t.isEmpty()) {
                throw new IllegalArgumentException("vocab[" + i + "] is empty");
            }
            Integer previous = index.put(t, i);
            if (previous != null) {
                throw new IllegalArgumentException("vocab[" + i + "] \"" + t + "\" duplicates vocab[" + previous + "]");
            }
        }
        this.lowercase = lowercase;
        this.patternText = pattern;
        this.vocab = List.copyOf(vocab);
        this.ids = Collections.unmodifiableMap(index);
    }

    /**
     * Builds a vocabulary from a corpus (see the class comment for the rule).
     *
     * @param lines     corpus text, e.g. one line or one document per element
     * @param vocabSize total size including the four specials, {@code >= 5}
     * @param lowercase whether to lowercase
     * @param pattern   token regex ({@link #DEFAULT_PATTERN} for the contract's default)
     * @return the tokenizer (its vocab may be smaller than vocabSize if the corpus has fewer distinct tokens)
     */
    public static WordTokenizer train(Iterable<String> lines, int vocabSize, boolean lowercase, String pattern) {
        if (vocabSize < SPECIALS.size() + 1 || vocabSize > MAX_VOCAB) {
            throw new IllegalArgumentException("vocabSize must be in [5, " + MAX_VOCAB + "], got " + vocabSize);
        }
        Pattern p = Pattern.compile(pattern);
        Map<String, Long> counts = new HashMap<>();
        for (String line : lines) {
            String text = lowercase ? line.toLowerCase(Locale.ROOT) : line;
            Matcher m = p.matcher(text);
            while (m.find()) {
                if (!m.group().isEmpty() && !SPECIALS.contains(m.group())) {
                    counts.merge(m.group(), 1L, Long::sum);
                }
            }
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((x, y) -> {
            int c = Long.compare(y.getValue(), x.getValue());
            return c != 0 ? c : x.getKey().compareTo(y.getKey());
        });
        List<String> vocab = new ArrayList<>(SPECIALS);
        for (Map.Entry<String, Long> e : sorted) {
            if (vocab.size() >= vocabSize) {
                break;
            }
            vocab.add(e.getKey());
        }
        return new WordTokenizer(lowercase, pattern, vocab);
    }

    /** Trains with lowercasing and the default pattern. */
    public static WordTokenizer train(Iterable<String> lines, int vocabSize) {
        return train(lines, vocabSize, true, DEFAULT_PATTERN);
    }

    /**
     * Splits text into token strings (no id lookup).
     *
     * @param text input text
     * @return tokens in order
     */
    public List<String> tokenize(String text) {
        String s = lowercase ? text.toLowerCase(Locale.ROOT) : text;
        List<String> out = new ArrayList<>();
        Matcher m = tokenPattern.matcher(s);
        int pos = 0;
        while (pos < s.length()) {
            String special = specialAt(s, pos);
            if (special != null) {
                out.add(special);
                pos += special.length();
                continue;
            }
            m.region(pos, s.length());
            if (!m.find()) {
                break;
            }
            // A special token may start before (or at) the next pattern match: take it first.
            int nextSpecial = nextSpecial(s, pos, m.start());
            if (nextSpecial >= 0) {
                pos = nextSpecial;
                continue;
            }
            if (m.end() == m.start()) {
                pos = m.start() + 1;
                continue;
            }
            out.add(m.group());
            pos = m.end();
        }
        return out;
    }

    private static String specialAt(String s, int pos) {
        for (String sp : SPECIALS) {
            if (s.startsWith(sp, pos)) {
                return sp;
            }
        }
        return null;
    }

    private static int nextSpecial(String s, int from, int before) {
        for (int i = from; i <= before && i < s.length(); i++) {
            if (s.charAt(i) == '<' && specialAt(s, i) != null) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param text input text
     * @return token ids, unknown tokens as {@link #UNK}; no BOS/EOS added
     */
    public int[] encode(String text) {
        List<String> tokens = tokenize(text);
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.getOrDefault(tokens.get(i), UNK);
        }
        return out;
    }

    /**
     * Joins the tokens of the ids with single spaces (special tokens written literally).
     *
     * @param tokenIds ids
     * @return text; {@code encode(decode(ids))} returns {@code ids} for any ids (tokens never contain whitespace)
     * @throws IllegalArgumentException if an id is out of range
     */
    public String decode(int[] tokenIds) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tokenIds.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(token(tokenIds[i]));
        }
        return sb.toString();
    }

    /**
     * @param id token id
     * @return its token string
     * @throws IllegalArgumentException if the id is out of range
     */
    public String token(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("token id " + id + " outside [0, " + vocab.size() + ")");
        }
        return vocab.get(id);
    }

    /** @return the id of a token string, or {@link #UNK} */
    public int id(String token) {
        return ids.getOrDefault(token, UNK);
    }

    /** @return vocabulary size */
    public int vocabSize() {
        return vocab.size();
    }

    /** @return the vocabulary (id = index) */
    public List<String> vocab() {
        return vocab;
    }

    /** @return whether text is lowercased */
    public boolean lowercase() {
        return lowercase;
    }

    /** @return the split regex */
    public String pattern() {
        return patternText;
    }

    /** @return tokenizer.json text */
    public String toJson() {
        ObjectNode o = JsonSupport.MAPPER.createObjectNode();
        o.put("type", "word-level");
        o.put("lowercase", lowercase);
        o.put("pattern", patternText);
        ObjectNode sp = o.putObject("special_tokens");
        sp.put("pad", SPECIALS.get(PAD));
        sp.put("unk", SPECIALS.get(UNK));
        sp.put("bos", SPECIALS.get(BOS));
        sp.put("eos", SPECIALS.get(EOS));
        ArrayNode v = o.putArray("vocab");
        vocab.forEach(v::add);
        try {
            return JsonSupport.MAPPER.writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render tokenizer.json", e);
        }
    }

    /**
     * Writes tokenizer.json.
     *
     * @param file destination
     * @throws IOException if writing fails
     */
    public void save(Path file) throws IOException {
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    /**
     * Reads and validates tokenizer.json.
     *
     * @param file the file
     * @return the tokenizer
     * @throws ModelFormatException naming the file and field if malformed
     * @throws IOException          if it cannot be read
     */
    public static WordTokenizer load(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new ModelFormatException(file + ": " + size + " bytes exceeds the limit of " + MAX_FILE_BYTES);
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses and validates tokenizer.json text.
     *
     * @param json   the text
     * @param source file name for messages
     * @return the tokenizer
     * @throws ModelFormatException naming the source and field if malformed
     */
    public static WordTokenizer parse(String json, String source) throws ModelFormatException {
        JsonSupport.Obj o = new JsonSupport.Obj(JsonSupport.parseObject(json, source), source, "");
        String type = o.string("type");
        if (!"word-level".equals(type)) {
            throw o.error("type", "must be \"word-level\", got \"" + type + "\"");
        }
        boolean lower = o.bool("lowercase");
        String pattern = o.string("pattern");
        JsonSupport.Obj sp = o.object("special_tokens");
        String[] keys = {"pad", "unk", "bos", "eos"};
        for (int i = 0; i < keys.length; i++) {
            String v = sp.string(keys[i]);
            if (!SPECIALS.get(i).equals(v)) {
                throw sp.error(keys[i], "must be \"" + SPECIALS.get(i) + "\", got \"" + v + "\"");
            }
        }
        sp.finish();
        ArrayNode arr = o.array("vocab");
        if (arr.size() > MAX_VOCAB) {
            throw o.error("vocab", arr.size() + " entries exceed the limit " + MAX_VOCAB);
        }
        List<String> vocab = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            JsonNode t = arr.get(i);
            if (!t.isTextual()) {
                throw o.error("vocab", "[" + i + "] must be a string, got " + t);
            }
            vocab.add(t.asText());
        }
        o.finish();
        try {
            return new WordTokenizer(lower, pattern, vocab);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source + ": " + e.getMessage(), e);
        }
    }
}
