package org.cipherformer.server;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The open sessions, looked up per tenant: another tenant's session id is NOT_FOUND, exactly like an id that never
 * existed, so a tenant learns nothing about other tenants' sessions. Ids are 128 random bits from
 * {@link SecureRandom} (hex). Sessions unused for longer than the idle timeout are closed by {@link #expireIdle()}.
 * Thread-safe.
 */
public final class SessionRegistry {
  /** Random bytes of a session id. */
  static final int ID_BYTES = 16;

  private static final Logger LOG = Logger.getLogger(SessionRegistry.class.getName());

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Duration idleTimeout;

  /** @param idleTimeout sessions unused this long are closed */
  public SessionRegistry(Duration idleTimeout) {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
    }
    this.idleTimeout = idleTimeout;
  }

  /** @return the idle timeout */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Opens a session.
   *
   * @throws io.grpc.StatusRuntimeException RESOURCE_EXHAUSTED if the tenant has its maximum of sessions open
   */
  public synchronized Session create(Tenant tenant, HostedModel model) {
    long open = sessions.values().stream().filter(s -> s.tenantId().equals(tenant.id())).count();
    if (open >= tenant.quotas().maxSessions()) {
      throw Errors.resourceExhausted("tenant " + tenant.id() + " has " + open + " sessions open, the maximum is "
          + tenant.quotas().maxSessions() + "; close one (CloseSession) or wait for idle ones to expire");
    }
    String id;
    do {
      byte[] b = new byte[ID_BYTES];
      random.nextBytes(b);
      id = HexFormat.of().formatHex(b);
    } while (sessions.containsKey(id));
    Session s = new Session(id, tenant.id(), model);
    sessions.put(id, s);
    return s;
  }

  /**
   * The tenant's session with this id, marked as used.
   *
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT for an empty id, NOT_FOUND if there is no such session
   *     of this tenant (including another tenant's)
   */
  public Session get(Tenant tenant, String id) {
    if (id == null || id.isEmpty()) {
      throw Errors.invalidArgument("session_id is empty");
    }
    Session s = sessions.get(id);
    if (s == null || !s.tenantId().equals(tenant.id()) || s.isClosed()) {
      throw Errors.notFound("session '" + abbreviate(id) + "' not found");
    }
    s.touch();
    return s;
  }

  /**
   * Closes the tenant's session.
   *
   * @throws io.grpc.StatusRuntimeException as {@link #get}
   */
  public void close(Tenant tenant, String id) {
    Session s = get(tenant, id);
    sessions.remove(id, s);
    s.close();
  }

  /** Closes sessions idle for longer than the timeout; called periodically by the server. */
  public void expireIdle() {
    long cutoff = System.nanoTime() - idleTimeout.toNanos();
    List<Session> expired = new ArrayList<>();
    for (Session s : sessions.values()) {
      if (s.idleSince(cutoff)) {
        expired.add(s);
      }
    }
    for (Session s : expired) {
      if (sessions.remove(s.id(), s)) {
        s.close();
        LOG.info("session " + s.id() + " of tenant " + s.tenantId() + " expired after " + idleTimeout.toSeconds()
            + " s idle");
      }
    }
  }

  /** @return sessions open now, over all tenants */
  public int activeSessions() {
    return sessions.size();
  }

  /** @return sessions of one tenant open now */
  public int activeSessions(String tenantId) {
    return (int) sessions.values().stream().filter(s -> s.tenantId().equals(tenantId)).count();
  }

  /** Closes every session (server shutdown). */
  public void closeAll() {
    for (Session s : new ArrayList<>(sessions.values())) {
      sessions.remove(s.id(), s);
      s.close();
    }
  }

  /** Ids come from clients: never echo an unbounded string into a message or a log. */
  static String abbreviate(String id) {
    return id.length() <= 64 ? id : id.substring(0, 64) + "...";
  }
}
