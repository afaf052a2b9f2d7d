package org.cipherformer.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.cipherformer.client.InferenceTimings;
import org.cipherformer.client.ModelSession;

/** Formats the costs of a private inference the same way in every command. */
final class Report {
  private Report() {
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  /** Key generation and upload (once per session). */
  static void session(PrintWriter out, ModelSession s) {
    out.printf(Locale.ROOT, "keys: generated in %s (relinearization + %d Galois keys, %s), uploaded in %s%n",
        seconds(s.keys().generationNanos()), s.keys().steps().size(), megabytes(s.keys().uploadBytes()),
        seconds(s.uploadNanos()));
  }

  /** One inference: the parts add up to the total. */
  static void inference(PrintWriter out, InferenceTimings t) {
    out.printf(Locale.ROOT, "time: %s total = server compute %s + client work %s (encrypt %s, answering %d refresh "
            + "rounds of %d ciphertexts %s, decrypt %s) + refresh transfer %s + input/output transfer %s%n",
        seconds(t.totalNanos()), seconds(t.serverComputeNanos()), seconds(t.clientWorkNanos()),
        seconds(t.encryptNanos()), t.refreshRounds(), t.refreshedCiphertexts(), seconds(t.clientRefreshNanos()),
        seconds(t.decryptNanos()), seconds(t.refreshNetworkNanos()), seconds(t.transferNanos()));
    out.printf(Locale.ROOT, "bytes: input %s, output %s, refresh %s in / %s out%n", megabytes(t.inputBytes()),
        megabytes(t.outputBytes()), megabytes(t.refreshBytesIn()), megabytes(t.refreshBytesOut()));
  }
}
