package org.cipherformer.threats.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cipherformer.threats.AttackResult;
import org.junit.jupiter.api.Test;

/**
 * The quick fuzzing run against the real server (child JVM, loopback port, real keys): no crash, no hang, no
 * unexpected status, every RPC got inputs, and valid calls still work afterwards.
 */
class RpcFuzzerTest {
  @Test
  void quickRunFindsNoCrashHangOrUnexpectedStatus() throws Exception {
    RpcFuzzer.Settings s = RpcFuzzer.Settings.quick();
    List<AttackResult> rows = RpcFuzzer.run(s, System.out::println);
    rows.forEach(r -> System.out.println(r.model() + ": " + r.metrics()));
    assertEquals(9, rows.size(), "8 RPCs and a total row");
    for (AttackResult r : rows) {
      assertEquals("R1", r.id());
      String why = r.model() + ": " + r.metrics();
      assertTrue(r.metric("inputs") > 0, why);
      assertEquals(0, r.metric("crashes"), why);
      assertEquals(0, r.metric("hangs"), why);
      assertEquals(0, r.metric("unexpected_status"), why);
    }
    AttackResult total = rows.get(rows.size() - 1);
    assertEquals(8L * s.inputsPerRpc(), (long) total.metric("inputs"));
    assertEquals(s.keyedRuns(), (long) total.metric("keyed_inferences"), "inferences that really ran were misused");
    for (String check : List.of("healthy_after", "valid_calls_unchanged_after", "upload_slot_free_after",
        "ckks_valid_after")) {
      assertEquals(1, total.metric(check), check + ": " + total.metrics());
    }
    // The run saw more than one kind of answer: mutations were refused, valid inputs served.
    assertTrue(total.metric("status_OK") > 0 && total.metric("status_INVALID_ARGUMENT") > 0, total.metrics()
        .toString());
  }
}
