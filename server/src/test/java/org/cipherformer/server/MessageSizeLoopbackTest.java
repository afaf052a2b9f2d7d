package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.cipherformer.proto.v1.DescribeModelRequest;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.junit.jupiter.api.Test;

/** The configured inbound message limit, enforced by the real transport (in-process would not). */
class MessageSizeLoopbackTest {
  @Test
  void messageAboveTheLimitIsResourceExhaustedAndOneBelowPasses() throws Exception {
    ServerConfig config = ServerConfig.parse(
        "{\"port\": 0, \"maxInboundMessageBytes\": 2048, \"shutdownDelaySeconds\": 0}", Path.of("."), "t");
    try (LoopbackServer s = LoopbackServer.start(config)) {
      ManagedChannel channel = s.plaintextChannel();
      try {
        var stub = ModelServiceGrpc.newBlockingStub(channel);
        // 3 bytes of framing (tag + 2-byte length) + 2000 = 2003 <= 2048.
        String fits = "m".repeat(2000);
        assertEquals(fits, stub.describeModel(DescribeModelRequest.newBuilder().setName(fits).build())
            .getSummary().getName());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.describeModel(
            DescribeModelRequest.newBuilder().setName("m".repeat(2100)).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
        // The connection stays usable after the refusal.
        assertEquals("ok", stub.describeModel(DescribeModelRequest.newBuilder().setName("ok").build())
            .getSummary().getName());
      } finally {
        LoopbackServer.closeQuietly(channel);
      }
    }
  }
}
