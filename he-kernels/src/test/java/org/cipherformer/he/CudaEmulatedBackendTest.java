package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.cipherformer.he.io.ComprMode;
import org.cipherformer.he.ops.CkksBackend;
import org.cipherformer.he.ops.CkksKeyHolder;
import org.cipherformer.he.ops.CkksParameters;
import org.cipherformer.he.ops.EvaluationKeys;
import org.cipherformer.he.ops.LinearTransform;
import org.cipherformer.he.ops.OpKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java device path (JNI {@link CudaEvaluator}, device-resident {@link Ciphertext}s, {@link CkksBackend} on CUDA)
 * against the CPU backend, byte for byte, without a GPU: Maven runs this class in its own JVM (surefire execution
 * {@code cuda-emulated}) that loads {@code libcipherformer_he_emulated.so}, the JNI library built against
 * native/cuda/emulation (the CUDA backend's host code on a host stand-in of the CUDA runtime, kernels as host loops
 * over the same thread bodies), with {@code -Dcipherformer.backend=cuda}. In any other JVM it is skipped.
 *
 * <p>What this verifies: the JNI shim (handles, operation codes, in-place and out-of-place variants, aliasing, key
 * upload, the residency boundary, exceptions), the Java routing, and the backend's arithmetic. What it cannot: the
 * real CUDA runtime, launch configurations, shared-memory synchronization and speed (native/cuda/gpu-check.sh).
 */
class CudaEmulatedBackendTest {
  /** Set by the surefire execution that loads the emulated library. */
  static final String EMULATED_PROPERTY = "cipherformer.test.emulatedCuda";

  private static final int[] STEPS = {1, -1, 4, 7};

  @BeforeAll
  static void requireEmulatedLibrary() {
    Assumptions.assumeTrue(Boolean.getBoolean(EMULATED_PROPERTY),
        "runs only in the cuda-emulated surefire execution (emulated JNI library)");
    GpuStatus status = CudaSupport.INSTANCE.probe();
    assertTrue(status.usable(), "emulated CUDA backend not usable: " + status.detail());
    assertTrue(status.detail().contains("host emulation"), "not the emulated library: " + status.detail());
  }

  @Test
  void operationsMatchCpuAt4096() {
    checkOperations(4096, new int[] {36, 36, 37}, Math.pow(2, 25));
  }

  @Test
  void operationsMatchCpuAt8192() {
    checkOperations(8192, new int[] {60, 40, 40, 60}, Math.pow(2, 40));
  }

  /** Every evaluator operation the encrypted transformer uses, on random inputs, CPU vs device. */
  private static void checkOperations(int n, int[] bits, double scale) {
    try (CkksTestFixture f = new CkksTestFixture(n, bits, STEPS);
        CudaEvaluator gpu = new CudaEvaluator(f.context, f.relinKeys, f.galoisKeys)) {
      Evaluator cpu = f.evaluator;
      int top = f.context.firstLevel();
      List<Ciphertext> keep = new ArrayList<>();
      try {
        Ciphertext a = keep(keep, encrypt(f, f.randomValues(n), scale));
        Ciphertext b = keep(keep, encrypt(f, f.randomValues(n + 1), scale));
        Plaintext p = f.encoder.encode(f.randomValues(n + 2), top, scale);
        Ciphertext da = keep(keep, gpu.upload(a));
        Ciphertext db = keep(keep, gpu.upload(b));
        assertTrue(da.isOnDevice());
        assertFalse(a.isOnDevice());
        assertFalse(da.hasSeed());
        same(a, da, "upload");
        try (Ciphertext back = da.toHost()) {
          assertFalse(back.isOnDevice());
          assertArrayEquals(a.data(), back.data(), "download");
        }

        same(cpu.negate(a), keep(keep, gpu.negate(da)), "negate");
        same(cpu.add(a, b), keep(keep, gpu.add(da, db)), "add");
        same(cpu.sub(a, b), keep(keep, gpu.sub(da, db)), "sub");
        Ciphertext product = keep(keep, cpu.multiply(a, b));
        Ciphertext dproduct = keep(keep, gpu.multiply(da, db));
        same(product, dproduct, "multiply");
        same(cpu.square(a), keep(keep, gpu.square(da)), "square");
        Ciphertext relin = keep(keep, cpu.relinearize(product, f.relinKeys));
        Ciphertext drelin = keep(keep, gpu.relinearize(dproduct));
        same(relin, drelin, "relinearize");
        same(cpu.rescaleToNext(relin), keep(keep, gpu.rescaleToNext(drelin)), "rescale after multiply");
        same(cpu.addPlain(a, p), keep(keep, gpu.addPlain(da, p)), "addPlain");
        same(cpu.subPlain(a, p), keep(keep, gpu.subPlain(da, p)), "subPlain");
        Ciphertext plainProduct = keep(keep, cpu.multiplyPlain(a, p));
        Ciphertext dplainProduct = keep(keep, gpu.multiplyPlain(da, p));
        same(plainProduct, dplainProduct, "multiplyPlain");
        same(cpu.rescaleToNext(plainProduct), keep(keep, gpu.rescaleToNext(dplainProduct)), "rescale");
        same(cpu.modSwitchToNext(a), keep(keep, gpu.modSwitchToNext(da)), "modSwitchToNext");
        same(cpu.modSwitchTo(a, f.context.parmsId(0)), keep(keep, gpu.modSwitchTo(da, f.context.parmsId(0))),
            "modSwitchTo level 0");
        for (int step : STEPS) {
          same(cpu.rotateVector(a, step, f.galoisKeys), keep(keep, gpu.rotateVector(da, step)), "rotate " + step);
        }
        // 3 has no key of its own: SEAL's non-adjacent form 4 - 1 uses two keys.
        same(cpu.rotateVector(a, 3, f.galoisKeys), keep(keep, gpu.rotateVector(da, 3)), "rotate 3 (NAF)");
        int[] hoisted = {0, 1, -1, 4, 7};
        Ciphertext[] c = cpu.rotateHoisted(a, hoisted, f.galoisKeys);
        Ciphertext[] d = gpu.rotateHoisted(da, hoisted);
        assertEquals(c.length, d.length);
        for (int j = 0; j < c.length; j++) {
          keep(keep, c[j]);
          same(c[j], keep(keep, d[j]), "hoisted rotation " + hoisted[j]);
        }

        // In place, including both operands the same object, and the transformer's mul pipeline.
        Ciphertext ca = keep(keep, a.copy());
        Ciphertext dca = keep(keep, da.copy());
        cpu.addInplace(ca, ca);
        gpu.addInplace(dca, dca);
        same(ca, dca, "addInplace(a, a)");
        cpu.multiplyInplace(ca, b);
        gpu.multiplyInplace(dca, db);
        cpu.relinearizeInplace(ca, f.relinKeys);
        gpu.relinearizeInplace(dca);
        cpu.rescaleToNextInplace(ca);
        gpu.rescaleToNextInplace(dca);
        same(ca, dca, "multiply, relinearize, rescale in place");
        cpu.rotateVectorInplace(ca, 1, f.galoisKeys);
        gpu.rotateVectorInplace(dca, 1);
        cpu.negateInplace(ca);
        gpu.negateInplace(dca);
        same(ca, dca, "rotate, negate in place");
        ca.setScale(scale * 3);
        dca.setScale(scale * 3);
        same(ca, dca, "setScale");

        // The same exceptions (class and message) on bad input.
        Ciphertext bottom = keep(keep, cpu.modSwitchTo(a, f.context.parmsId(0)));
        Ciphertext dbottom = keep(keep, gpu.upload(bottom));
        sameFailure(() -> cpu.rescaleToNext(bottom), () -> gpu.rescaleToNext(dbottom), "rescale at level 0");
        sameFailure(() -> cpu.rotateVector(a, 2, f.galoisKeys), () -> gpu.rotateVector(da, 2), "missing key");
        sameFailure(() -> cpu.add(a, bottom), () -> gpu.add(da, dbottom), "levels differ");
        sameFailure(() -> cpu.sub(a, a), () -> gpu.sub(da, da), "transparent result");
        sameFailure(() -> cpu.modSwitchTo(bottom, f.context.parmsId(top)),
            () -> gpu.modSwitchTo(dbottom, f.context.parmsId(top)), "switch up");

        // Residency is checked before any native call: never a pointer of the wrong kind.
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> cpu.add(da, b));
        assertTrue(e1.getMessage().contains("device memory"), e1.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> gpu.add(da, b));
        assertTrue(e2.getMessage().contains("host memory"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gpu.upload(da));

        // Decryption downloads.
        assertArrayEquals(f.decrypt(a), f.decrypt(da), "decrypt of a device ciphertext");
        p.close();
      } finally {
        keep.forEach(Ciphertext::close);
      }
    }
  }

  /**
   * A short encrypted program (hoisted linear transform with fused plain products, square, level alignment, rotation,
   * plain and constant operations, a refresh) on {@link CkksBackend}: the CPU and the CUDA backend, with the same
   * keys and input, return byte-identical values and the same operation counts; {@code -Dcipherformer.backend=cuda}
   * routes the default constructors to the device.
   */
  @Test
  void ckksBackendProgramMatchesCpu() throws Exception {
    CkksParameters parameters = CkksParameters.custom(8192, new int[] {50, 40, 40, 40, 48}, 40, 1);
    int slots = parameters.slotCount();
    Random random = new Random(7);
    Map<Integer, double[]> diagonals = new TreeMap<>();
    for (int k : new int[] {0, 1, 2, 5, 9, slots - 3}) {
      diagonals.put(k, randomVector(random, slots, 0.3));
    }
    LinearTransform transform = new LinearTransform(slots, diagonals);
    SortedSet<Integer> steps = new TreeSet<>(transform.rotationSteps());
    steps.add(3);
    double[] x = randomVector(random, slots, 1);
    double[] plain = randomVector(random, slots, 1);
    try (CkksKeyHolder holder = new CkksKeyHolder(parameters)) {
      byte[] relin;
      byte[] galois;
      try (EvaluationKeys keys = holder.generateEvaluationKeys(steps)) {
        relin = keys.relinKeyBytes(ComprMode.NONE);
        galois = keys.galoisKeyBytes(ComprMode.NONE);
      }
      byte[] input;
      try (Ciphertext fresh = holder.encrypt(x)) {
        input = fresh.save(ComprMode.NONE);
      }
      CkksContext context = holder.context();
      Supplier<EvaluationKeys> sameKeys = () -> {
        try {
          return EvaluationKeys.load(context, relin, galois, steps);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };
      // The JVM's selection (-Dcipherformer.backend=cuda) routes the default constructor to the GPU.
      try (CkksBackend viaSelection = new CkksBackend(parameters, context, sameKeys.get(), holder)) {
        assertEquals(Backend.CUDA, viaSelection.backend());
      }
      try (CkksBackend cpu = new CkksBackend(parameters, context, sameKeys.get(), holder,
              CkksBackend.DEFAULT_MASK_BOUND, 1L << 28, Backend.CPU);
          CkksBackend gpu = new CkksBackend(parameters, context, sameKeys.get(), holder,
              CkksBackend.DEFAULT_MASK_BOUND, 1L << 28, Backend.CUDA)) {
        assertEquals(Backend.CPU, cpu.backend());
        assertEquals(Backend.CUDA, gpu.backend());
        Ciphertext hostIn = Ciphertext.load(context, input);
        Ciphertext gpuIn = gpu.input(hostIn);
        assertTrue(gpuIn.isOnDevice());
        assertTrue(hostIn.isClosed(), "the upload boundary closes the handed-over host ciphertext");
        List<Ciphertext> cpuOut = program(cpu, cpu.input(Ciphertext.load(context, input)), transform, plain);
        List<Ciphertext> gpuOut = program(gpu, gpuIn, transform, plain);
        assertEquals(cpuOut.size(), gpuOut.size());
        for (int j = 0; j < cpuOut.size(); j++) {
          assertTrue(gpuOut.get(j).isOnDevice(), "output " + j + " stays on the device");
          same(cpuOut.get(j), gpuOut.get(j), "program output " + j);
        }
        for (OpKind kind : OpKind.values()) {
          assertEquals(cpu.stats().total(kind).count(), gpu.stats().total(kind).count(), "count of " + kind);
        }
        // The plaintext meaning, as a sanity check of the program itself: output 0 is the transform of x.
        double[] expected = transform.applyPlain(x);
        double[] got = holder.decrypt(gpuOut.get(0));
        for (int i = 0; i < slots; i++) {
          assertEquals(expected[i], got[i], 1e-4, "transform slot " + i);
        }
        // A refresh round trip from the device: masks are random, so compare the decryptions.
        List<Ciphertext> refreshed = gpu.refresh(List.of(gpuOut.get(0)));
        assertTrue(refreshed.get(0).isOnDevice());
        assertEquals(gpu.topLevel(), gpu.level(refreshed.get(0)));
        double[] after = holder.decrypt(refreshed.get(0));
        for (int i = 0; i < slots; i++) {
          assertEquals(got[i], after[i], 1e-4, "refreshed slot " + i);
        }
        refreshed.forEach(gpu::release);
        cpuOut.forEach(cpu::release);
        gpuOut.forEach(gpu::release);
        assertEquals(0, gpu.stats().liveValues(), "leaked device values");
      }
    }
  }

  /** Returns several values of a short program and releases the rest (the input included). */
  private static List<Ciphertext> program(CkksBackend be, Ciphertext in, LinearTransform transform, double[] plain) {
    Ciphertext y = transform.apply(be, in); // hoisted rotations + fused plain products: top - 1
    Ciphertext z = be.square(y); // top - 2
    Ciphertext w = be.add(z, in); // drops in to z's level
    Ciphertext r = be.rotate(y, 3);
    Ciphertext negated = be.negate(w);
    Ciphertext v = be.sub(negated, r); // drops r
    Ciphertext shifted = be.addPlain(v, plain);
    Ciphertext u = be.mulPlain(shifted, plain); // top - 3
    Ciphertext s = be.mulConstSum(List.of(in, y), new double[] {0.5, -0.25});
    Ciphertext scaled = be.mulConst(s, 1.5);
    Ciphertext t = be.addConst(scaled, -0.125);
    for (Ciphertext temporary : List.of(in, r, negated, shifted, scaled)) {
      be.release(temporary);
    }
    return List.of(y, z, w, v, u, s, t);
  }

  private static double[] randomVector(Random random, int n, double bound) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = bound * (2 * random.nextDouble() - 1);
    }
    return v;
  }

  private static Ciphertext encrypt(CkksTestFixture f, double[] values, double scale) {
    try (Plaintext p = f.encoder.encode(values, scale)) {
      return f.encryptor.encrypt(p);
    }
  }

  private static Ciphertext keep(List<Ciphertext> keep, Ciphertext c) {
    keep.add(c);
    return c;
  }

  /** Same metadata, words and SEAL serialization; the host one on the host, the device one on the device. */
  private static void same(Ciphertext host, Ciphertext device, String what) {
    assertFalse(host.isOnDevice(), what + ": CPU result on the device");
    assertTrue(device.isOnDevice(), what + ": device result on the host");
    assertEquals(host.level(), device.level(), what + ": level");
    assertEquals(host.size(), device.size(), what + ": size");
    assertEquals(host.scale(), device.scale(), what + ": scale");
    assertArrayEquals(host.data(), device.data(), what + ": data");
    assertArrayEquals(host.save(ComprMode.NONE), device.save(ComprMode.NONE), what + ": SEAL bytes");
  }

  private static void sameFailure(Runnable cpu, Runnable gpu, String what) {
    RuntimeException c = assertThrows(RuntimeException.class, cpu::run, what + " (CPU)");
    RuntimeException d = assertThrows(RuntimeException.class, gpu::run, what + " (device)");
    assertEquals(c.getClass(), d.getClass(), what + ": " + c + " vs " + d);
    assertEquals(c.getMessage(), d.getMessage(), what);
  }
}
