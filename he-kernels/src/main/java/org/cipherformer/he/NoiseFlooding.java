package org.cipherformer.he;

import java.util.Objects;

/**
 * Noise flooding of decrypted CKKS values: the mitigation of the Li–Micciancio key-recovery attack (EUROCRYPT 2021).
 *
 * <p>A CKKS decryption of {@code (c_0, c_1)} is the polynomial {@code m + e = c_0 + c_1 s}, not {@code m}. Whoever
 * holds the ciphertext and sees the decoded slots re-encodes them to get {@code m + e} exactly and solves
 * {@code s = (m + e - c_0) c_1^{-1}} in {@code R_q}: one released decryption gives away the secret key. Flooding adds
 * a fresh discrete Gaussian polynomial {@code e_f} (coefficients {@code D_{Z,sigma}}, independent, sampled natively
 * from a PRNG seeded by the operating system's CSPRNG for every call) to the decrypted polynomial before it is
 * decoded. The released value is then {@code m + e + e_f}, statistically close to {@code m + e_f} when sigma is large
 * against {@code e}: the attacker's candidate becomes {@code s + e_f c_1^{-1}}, uniformly scattered over {@code R_q}.
 *
 * <p><b>Width and cost.</b> The statistical distance between {@code e_f} and {@code e + e_f} per coefficient is at
 * most about {@code |e| / (sigma sqrt(2 pi))}; OpenFHE's rule for {@code s} bits of statistical security against
 * {@code tau} released decryptions is {@code sigma = sqrt(12 tau) 2^(s/2) B} with {@code B} a worst-case bound on
 * {@code |e|}. The price is precision: each real slot part gains a Gaussian of standard deviation
 * {@link #slotStandardDeviation(double, int, double) sigma sqrt(N/2) / Delta}. docs/ckks-leakage.md gives the width the
 * client library uses and what it costs.
 */
public final class NoiseFlooding {
  /** Largest sigma the native sampler accepts (13 sigma <= 2^52). */
  public static final double MAX_SIGMA = 4503599627370496.0 / 13.0;

  private NoiseFlooding() {
  }

  /**
   * Adds a fresh discrete Gaussian polynomial of standard deviation {@code sigma} to the plaintext's coefficients
   * (its level and scale stay).
   *
   * @param plain a decrypted plaintext (NTT form, as every CKKS plaintext here)
   * @param sigma standard deviation of each coefficient of the added noise, in (0, {@link #MAX_SIGMA}]
   * @throws IllegalArgumentException naming sigma if it is not positive and finite, above {@link #MAX_SIGMA}, or so
   *     large that {@code 13 sigma} reaches a quarter of the level's modulus
   */
  public static void addInPlace(Plaintext plain, double sigma) {
    Objects.requireNonNull(plain, "plain");
    checkSigma(sigma);
    plain.withPointer(p -> {
      nativeAddInPlace(p, sigma);
      return null;
    });
  }

  /**
   * The standard deviation that flooding of width {@code sigma} adds to the real (or imaginary) part of each decoded
   * slot: {@code sigma sqrt(N / 2) / scale} (slot k is {@code sum_j e_j zeta_k^j / scale}, a sum of N independent
   * terms whose real parts have variance {@code sigma^2 cos^2}, averaging {@code sigma^2 / 2}).
   *
   * @param sigma coefficient standard deviation
   * @param n     ring degree N
   * @param scale the plaintext's scale Delta
   */
  public static double slotStandardDeviation(double sigma, int n, double scale) {
    return sigma * Math.sqrt(n / 2.0) / scale;
  }

  /**
   * The coefficient width that gives a per-slot standard deviation {@code slotStd} at ring degree {@code n} and
   * {@code scale}: the inverse of {@link #slotStandardDeviation}.
   */
  public static double sigmaForSlotStandardDeviation(double slotStd, int n, double scale) {
    return slotStd * scale / Math.sqrt(n / 2.0);
  }

  static void checkSigma(double sigma) {
    if (!(sigma > 0) || !(sigma <= MAX_SIGMA)) {
      throw new IllegalArgumentException("flooding sigma must be in (0, " + MAX_SIGMA + "], got " + sigma);
    }
  }

  private static native void nativeAddInPlace(long plain, double sigma);
}
