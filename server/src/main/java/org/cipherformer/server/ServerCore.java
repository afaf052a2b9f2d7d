package org.cipherformer.server;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the services share: the models, the sessions, the backend factory, the worker pool that runs the long jobs
 * (key loading, inferences: never on gRPC's executor, whose threads must stay free to deliver the refresh replies an
 * inference waits for) and the limits.
 *
 * @param models              hosted models and the native context
 * @param sessions            open sessions
 * @param backends            makes a session's backend from its keys
 * @param workers             runs key loading and inferences
 * @param inferences          concurrent-inference accounting
 * @param maxChunkBytes       largest key-upload data chunk
 * @param refreshReplyTimeout longest wait for one refresh reply, and for the start message of a RunCkks stream
 * @param timers              runs the start-message timeouts
 */
record ServerCore(ModelRegistry models, SessionRegistry sessions, BackendFactory backends, ExecutorService workers,
                  InferenceLimiter inferences, int maxChunkBytes, Duration refreshReplyTimeout,
                  ScheduledExecutorService timers) {
}
