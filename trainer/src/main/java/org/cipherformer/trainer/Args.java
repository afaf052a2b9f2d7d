package org.cipherformer.trainer;

import java.util.HashMap;
import java.util.Map;

/** Minimal "--key value" command-line parsing with typed getters that name the offending value. */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    final String commandLine;

    Args(String[] args) {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("arguments must be --key value pairs: " + String.join(" ", args));
        }
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --key, got " + args[i]);
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
        this.commandLine = String.join(" ", args);
    }

    String get(String key, String dflt) {
        return values.getOrDefault(key, dflt);
    }

    int getInt(String key, int dflt) {
        String v = values.get(key);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, got " + v, e);
        }
    }

    double getDouble(String key, double dflt) {
        String v = values.get(key);
        try {
            return v == null ? dflt : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a number, got " + v, e);
        }
    }
}
