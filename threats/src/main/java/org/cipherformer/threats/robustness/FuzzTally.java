package org.cipherformer.threats.robustness;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The counts of one RPC's fuzzing: inputs tried (by input kind), final status codes, hangs (no status within the
 * deadline, or DEADLINE_EXCEEDED that the server did not send itself), unexpected statuses (UNKNOWN, INTERNAL or
 * any code outside the RPC's allowed set, CANCELLED when the client did not cancel) with the first few examples.
 */
final class FuzzTally {
  /** Examples of unexpected outcomes kept per RPC. */
  static final int EXAMPLES = 5;

  final String rpc;
  final Set<Status.Code> allowed;
  long inputs;
  long hangs;
  long unexpected;
  long crashes;
  long maxMillis;
  String slowest = "";
  final Map<Status.Code, Long> statuses = new EnumMap<>(Status.Code.class);
  final Map<String, Long> kinds = new TreeMap<>();
  final List<String> examples = new ArrayList<>();

  FuzzTally(String rpc, Set<Status.Code> allowed) {
    this.rpc = rpc;
    this.allowed = EnumSet.copyOf(allowed);
  }

  /**
   * Counts one outcome.
   *
   * @param kind        the input kind, e.g. "random_bytes" or "seal:coeff_ge_q"
   * @param o           the call's end
   * @param mayTimeOut  the input legitimately waits for a server-side timeout (DEADLINE_EXCEEDED sent by the server
   *                    before the client's own deadline is then fine)
   * @return a line describing the outcome if it was a hang or unexpected, else null
   */
  synchronized String record(String kind, RawCall.Outcome o, boolean mayTimeOut) {
    inputs++;
    kinds.merge(kind, 1L, Long::sum);
    if (o.millis() > maxMillis) {
      maxMillis = o.millis();
      slowest = kind + " -> " + o.code();
    }
    String problem = null;
    if (o.noStatus()) {
      hangs++;
      problem = "hang";
    } else {
      statuses.merge(o.code(), 1L, Long::sum);
      if (o.code() == Status.Code.DEADLINE_EXCEEDED) {
        // The server's own timeouts (no start, no refresh reply) end the call well before the client's deadline.
        boolean fromServer = mayTimeOut && o.millis() < o.deadlineMillis() - 1000;
        if (!fromServer) {
          hangs++;
          problem = "hang";
        }
      } else if (o.code() == Status.Code.CANCELLED) {
        if (!o.cancelledByClient()) {
          unexpected++;
          problem = "unexpected_status";
        }
      } else if (!allowed.contains(o.code())) {
        unexpected++;
        problem = "unexpected_status";
      }
    }
    if (problem == null) {
      return null;
    }
    String line = problem + ": " + rpc + " " + kind + " -> " + (o.code() == null ? "no status" : o.code()) + " '"
        + abbreviate(o.description()) + "' after " + o.millis() + " ms";
    if (examples.size() < EXAMPLES) {
      examples.add(line);
    }
    return line;
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    String one = s.replace('\n', ' ');
    return one.length() <= 200 ? one : one.substring(0, 200) + "...";
  }
}
