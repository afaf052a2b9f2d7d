package org.cipherformer.server;

import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's stop sequence:
 * <ol>
 *   <li>health turns NOT_SERVING for every service (watchers are told at once) and stays so;</li>
 *   <li>for the shutdown delay the port still takes new calls, so load balancers that poll health can move clients
 *       away before connections are refused;</li>
 *   <li>the server stops taking new calls (Netty sends GOAWAY) while calls in flight go on;</li>
 *   <li>it waits up to the drain timeout for them to finish;</li>
 *   <li>whatever is left is cancelled (services see the cancellation and stop their native work at the next step),
 *       health watch streams included, and the server is waited for a bounded time.</li>
 * </ol>
 */
public final class GracefulShutdown {
  private static final Logger LOG = Logger.getLogger(GracefulShutdown.class.getName());

  /** How long to wait for the transport after cancelling the leftovers. */
  static final Duration TERMINATION_WAIT = Duration.ofSeconds(5);

  private GracefulShutdown() {
  }

  /**
   * Runs the stop sequence. Interruption skips the waits (everything left is cancelled) and keeps the interrupt
   * flag set.
   *
   * @return true if every counted call finished by itself within the drain timeout
   */
  public static boolean stop(Server server, HealthStatusManager health, CallDrain drain, Duration delay,
      Duration drainTimeout) {
    boolean drained = false;
    try {
      health.enterTerminalState();
      if (!delay.isZero()) {
        Thread.sleep(delay.toMillis());
      }
      server.shutdown();
      drained = drain.awaitIdle(drainTimeout);
      if (!drained) {
        LOG.log(Level.WARNING, "{0} call(s) still running after the drain timeout of {1}; cancelling them",
            new Object[] {drain.inflight(), drainTimeout});
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.shutdownNow();
      try {
        if (!server.awaitTermination(TERMINATION_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warning("the gRPC server did not terminate within " + TERMINATION_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return drained;
  }
}
