package org.cipherformer.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Authenticates each call by its bearer API key ({@code authorization: Bearer <key>}) and puts the key's tenant in
 * {@link TenantContext#TENANT} for the services. A missing, malformed or unknown key ends the call with
 * UNAUTHENTICATED before any service code runs; the message says which of the three it was and never echoes the key.
 *
 * <p>The health service ({@code grpc.health.v1.Health}) and the reflection services are reachable without a key:
 * load balancers and orchestrators probe health without credentials, and reflection describes only the public API
 * (and is off unless the config enables it). They never see a tenant.
 *
 * <p>The key is hashed (SHA-256) and the hash compared with every configured hash by {@link MessageDigest#isEqual}
 * (constant time per comparison, and no early exit over the list), so the time taken does not reveal how much of a
 * guess matched or which tenant it was closest to.
 */
public final class ApiKeyAuthInterceptor implements ServerInterceptor {
  /** The metadata key the client sends its API key in. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Services callable without an API key. */
  public static final Set<String> UNAUTHENTICATED_SERVICES = Set.of(
      HealthGrpc.SERVICE_NAME,
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection");

  private static final String BEARER = "bearer ";

  private final List<byte[]> hashes = new ArrayList<>();
  private final List<Tenant> owners = new ArrayList<>();

  /**
   * @param tenants the configured tenants with their key hashes (at least one)
   * @throws IllegalArgumentException if there are no tenants or no key hashes
   */
  public ApiKeyAuthInterceptor(List<TenantConfig> tenants) {
    for (TenantConfig t : tenants) {
      Tenant tenant = t.tenant();
      for (String hex : t.apiKeySha256()) {
        byte[] h = ServerConfig.decodeHash(hex);
        if (h.length != 32) {
          throw new IllegalArgumentException("tenant '" + t.id() + "': key hash is not 32 bytes");
        }
        hashes.add(h);
        owners.add(tenant);
      }
    }
    if (hashes.isEmpty()) {
      throw new IllegalArgumentException("API-key authentication needs at least one tenant with a key hash");
    }
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    if (UNAUTHENTICATED_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    String header = headers.get(AUTHORIZATION);
    if (header == null) {
      return reject(call, "missing API key: send the metadata 'authorization: Bearer <api key>'");
    }
    // RFC 6750: the scheme name is case-insensitive; one space, then the token.
    if (header.length() < BEARER.length()
        || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return reject(call, "malformed authorization metadata: expected 'Bearer <api key>'");
    }
    String key = header.substring(BEARER.length()).strip();
    String problem = ApiKeys.wellFormedProblem(key);
    if (problem != null) {
      return reject(call, "malformed API key: it " + problem);
    }
    Tenant tenant = lookup(ApiKeys.sha256(key));
    if (tenant == null) {
      return reject(call, "unknown API key");
    }
    Context context = Context.current().withValue(TenantContext.TENANT, tenant);
    return Contexts.interceptCall(context, call, headers, next);
  }

  /** The tenant whose key hash equals {@code hash}, comparing against all hashes without an early exit. */
  private Tenant lookup(byte[] hash) {
    Tenant found = null;
    for (int i = 0; i < hashes.size(); i++) {
      if (MessageDigest.isEqual(hashes.get(i), hash) && found == null) {
        found = owners.get(i);
      }
    }
    return found;
  }

  private static <ReqT, RespT> ServerCall.Listener<ReqT> reject(ServerCall<ReqT, RespT> call, String message) {
    call.close(Status.UNAUTHENTICATED.withDescription(message), new Metadata());
    return new ServerCall.Listener<>() {
    };
  }
}
