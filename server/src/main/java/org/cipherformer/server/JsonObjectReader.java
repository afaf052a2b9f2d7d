package org.cipherformer.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one JSON object of a config file field by field, so that every error names the file and the field's full
 * path ({@code tenants[1].quotas.maxSessions}) instead of a parser stack trace.
 */
final class JsonObjectReader {
  private final String source;
  private final String path;
  private final JsonNode node;

  private JsonObjectReader(String source, String path, JsonNode node) {
    this.source = source;
    this.path = path;
    this.node = node;
  }

  /** Reader of the document's root, which must be an object. */
  static JsonObjectReader root(String source, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new ServerConfigException(source + ": the top level must be a JSON object");
    }
    return new JsonObjectReader(source, "", node);
  }

  /** Rejects fields not in {@code known}: a misspelt field would otherwise be ignored silently. */
  void rejectUnknownFields(Set<String> known) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw error(name, "unknown field (known fields here: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  boolean has(String name) {
    JsonNode v = node.get(name);
    return v != null && !v.isNull();
  }

  String string(String name, String fallback) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw error(name, "expected a string, got " + describe(v));
    }
    return v.asText();
  }

  boolean bool(String name, boolean fallback) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw error(name, "expected true or false, got " + describe(v));
    }
    return v.asBoolean();
  }

  int integer(String name, int fallback, int min, int max) {
    return (int) longInteger(name, fallback, min, max);
  }

  long longInteger(String name, long fallback, long min, long max) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw error(name, "expected a whole number in [" + min + ", " + max + "], got " + describe(v));
    }
    long value = v.asLong();
    if (value < min || value > max) {
      throw error(name, "must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  /** A duration given as a number of seconds (fractions allowed, e.g. 0.5). */
  Duration seconds(String name, Duration fallback, double minSeconds, double maxSeconds) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw error(name, "expected a number of seconds in [" + minSeconds + ", " + maxSeconds + "], got "
          + describe(v));
    }
    double s = v.asDouble();
    if (!(s >= minSeconds && s <= maxSeconds)) {
      throw error(name, "must be in [" + minSeconds + ", " + maxSeconds + "] seconds, got " + v.asText());
    }
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  /** The nested object {@code name}, or null if absent. */
  JsonObjectReader object(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw error(name, "expected an object, got " + describe(v));
    }
    return new JsonObjectReader(source, field(name), v);
  }

  /** The elements of array {@code name} that must all be objects; empty if absent. */
  List<JsonObjectReader> objects(String name) {
    List<JsonObjectReader> out = new ArrayList<>();
    JsonNode v = arrayNode(name);
    for (int i = 0; v != null && i < v.size(); i++) {
      JsonNode e = v.get(i);
      String p = field(name) + "[" + i + "]";
      if (!e.isObject()) {
        throw new ServerConfigException(source + ": " + p + ": expected an object, got " + describe(e));
      }
      out.add(new JsonObjectReader(source, p, e));
    }
    return out;
  }

  /** The elements of array {@code name} that must all be strings; empty if absent. */
  List<String> strings(String name) {
    List<String> out = new ArrayList<>();
    JsonNode v = arrayNode(name);
    for (int i = 0; v != null && i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual()) {
        throw new ServerConfigException(source + ": " + field(name) + "[" + i + "]: expected a string, got "
            + describe(e));
      }
      out.add(e.asText());
    }
    return out;
  }

  private JsonNode arrayNode(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw error(name, "expected an array, got " + describe(v));
    }
    return v;
  }

  /** An error about field {@code name} of this object. */
  ServerConfigException error(String name, String problem) {
    return new ServerConfigException(source + ": " + field(name) + ": " + problem);
  }

  /** An error about array element {@code index} of field {@code name}. */
  ServerConfigException error(String name, int index, String problem) {
    return new ServerConfigException(source + ": " + field(name) + "[" + index + "]: " + problem);
  }

  String field(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String describe(JsonNode v) {
    String text = v.toString();
    if (text.length() > 40) {
      text = text.substring(0, 40) + "...";
    }
    return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + text;
  }
}
