package org.cipherformer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.cipherformer.model.data.RepoPaths;
import org.cipherformer.proto.v1.DescribeModelRequest;
import org.cipherformer.proto.v1.KeyUploadChunk;
import org.cipherformer.proto.v1.KeyUploadHeader;
import org.cipherformer.proto.v1.ModelServiceGrpc;
import org.cipherformer.proto.v1.SessionServiceGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regressions from the fuzzing harness (threats/, R1), over a real loopback port with raw bytes as messages: request
 * bytes that are not protobuf are INVALID_ARGUMENT (grpc-java alone says UNKNOWN), a garbage message in the middle of
 * an upload still frees the session's upload slot (the guard ends the service's side of the call), and a status that
 * echoes a huge client string stays small enough for the client to read (else it sees INTERNAL "http2 exception").
 */
class MalformedRequestsLoopbackTest {
  private static CipherformerServer server;
  private static TestClient client;

  /** Bytes that are not a protobuf message: field 1, wire type 2, length 2^31-1, then nothing. */
  private static final byte[] GARBAGE = {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  @BeforeAll
  static void start() throws Exception {
    server = CipherformerServer.builder().port(0).modelsDirectory(RepoPaths.root().resolve("models"))
        .models(List.of("vit-fmnist")).precompilePlans(false).start();
    client = new TestClient(server.port());
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  /** Sends raw messages on the method (its real name and type), half-closes, returns the final status. */
  private static Status raw(MethodDescriptor<?, ?> real, List<byte[]> messages) throws Exception {
    MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setFullMethodName(real.getFullMethodName()).setType(real.getType())
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    ClientCall<byte[], byte[]> call = client.channel.newCall(m,
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    CompletableFuture<Status> done = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        done.complete(status);
      }
    }, new Metadata());
    call.request(Integer.MAX_VALUE);
    for (byte[] b : messages) {
      call.sendMessage(b);
    }
    call.halfClose();
    return done.get(40, TimeUnit.SECONDS);
  }

  private static void assertInvalid(Status s, String type) {
    assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode(), s.toString());
    assertTrue(s.getDescription().contains("not a valid " + type), s.toString());
  }

  @Test
  void garbageRequestBytesAreInvalidArgument() throws Exception {
    assertInvalid(raw(ModelServiceGrpc.getDescribeModelMethod(), List.of(GARBAGE)),
        "cipherformer.v1.DescribeModelRequest");
    // A proto3 string that is not UTF-8.
    assertInvalid(raw(ModelServiceGrpc.getDescribeModelMethod(), List.of(new byte[] {0x0a, 0x02, (byte) 0xc3,
        0x28})), "cipherformer.v1.DescribeModelRequest");
    assertInvalid(raw(HealthGrpc.getCheckMethod(), List.of(GARBAGE)), "grpc.health.v1.HealthCheckRequest");
    // Valid bytes still work on the same path.
    assertEquals(Status.Code.OK, raw(ModelServiceGrpc.getDescribeModelMethod(), List.of(
        DescribeModelRequest.newBuilder().setName("vit-fmnist").build().toByteArray())).getCode());
  }

  @Test
  void aGarbageChunkMidUploadFreesTheUploadSlot() throws Exception {
    String id = client.createSession("vit-fmnist").getSessionId();
    byte[] header = KeyUploadChunk.newBuilder().setHeader(KeyUploadHeader.newBuilder().setSessionId(id)
        .setRelinKeyBytes(100).setGaloisKeyBytes(100)).build().toByteArray();
    assertInvalid(raw(SessionServiceGrpc.getUploadKeysMethod(), List.of(header, GARBAGE)),
        "cipherformer.v1.KeyUploadChunk");
    // The session takes a new upload: this one ends for want of a trailer, not "another upload in progress".
    Status again = Status.UNKNOWN;
    for (int i = 0; i < 50; i++) {
      again = raw(SessionServiceGrpc.getUploadKeysMethod(), List.of(header));
      if (again.getCode() != Status.Code.FAILED_PRECONDITION) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(Status.Code.INVALID_ARGUMENT, again.getCode(), again.toString());
    assertTrue(again.getDescription().contains("without a KeyUploadTrailer"), again.toString());
  }

  @Test
  void hugeEchoedValuesKeepTheirStatus() {
    String name = "a".repeat(70_000);
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> client.models.describeModel(DescribeModelRequest.newBuilder().setName(name).build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().length() <= StatusDescriptionLimit.MAX_CHARS + 40,
        "description of " + e.getStatus().getDescription().length() + " characters");
    StatusRuntimeException h = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> HealthGrpc.newBlockingStub(client.channel).check(HealthCheckRequest.newBuilder()
            .setService("\u00e9".repeat(50_000)).build()));
    assertEquals(Status.Code.NOT_FOUND, h.getStatus().getCode(), h.getStatus().toString());
  }
}
