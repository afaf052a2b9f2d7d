package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackendSelectionTest {
  private static final GpuProbe NO_GPU = () -> new GpuStatus(false, "no CUDA device: test probe");
  private static final GpuProbe H200 = () -> new GpuStatus(true, "NVIDIA H200, sm_90, 139 GiB, 1 device(s)");

  @Test
  void parsesTheThreeNamesCaseInsensitively() {
    assertEquals(Backend.CPU, Backend.parse("cpu"));
    assertEquals(Backend.CUDA, Backend.parse("CUDA"));
    assertEquals(Backend.AUTO, Backend.parse(" Auto "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.parse("gpu"));
    assertTrue(e.getMessage().contains("'gpu'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Backend.parse(null));
  }

  @Test
  void cpuNeverProbesAndNeverLogs() {
    List<String> log = new ArrayList<>();
    GpuProbe mustNotRun = () -> {
      throw new AssertionError("cpu must not probe the GPU");
    };
    BackendSelection s = BackendSelection.resolve(Backend.CPU, mustNotRun, log::add);
    assertEquals(Backend.CPU, s.resolved());
    assertEquals(Backend.CPU, s.requested());
    assertTrue(log.isEmpty(), log.toString());
  }

  @Test
  void unsetOrBlankPropertyMeansCpu() {
    List<String> log = new ArrayList<>();
    assertEquals(Backend.CPU, BackendSelection.fromPropertyValue(null, H200, log::add).resolved());
    assertEquals(Backend.CPU, BackendSelection.fromPropertyValue("  ", H200, log::add).resolved());
    assertTrue(log.isEmpty());
    assertThrows(IllegalArgumentException.class, () -> BackendSelection.fromPropertyValue("tpu", H200, log::add));
  }

  @Test
  void autoFallsBackToCpuWithOneLogLineNamingTheReason() {
    List<String> log = new ArrayList<>();
    AtomicInteger probes = new AtomicInteger();
    GpuProbe counting = () -> {
      probes.incrementAndGet();
      return NO_GPU.probe();
    };
    BackendSelection s = BackendSelection.resolve(Backend.AUTO, counting, log::add);
    assertEquals(Backend.CPU, s.resolved());
    assertEquals(Backend.AUTO, s.requested());
    assertEquals(1, probes.get());
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).contains("auto -> cpu"), log.get(0));
    assertTrue(log.get(0).contains("test probe"), log.get(0));
  }

  @Test
  void autoPicksAUsableGpuAndSaysWhich() {
    List<String> log = new ArrayList<>();
    BackendSelection s = BackendSelection.resolve(Backend.AUTO, H200, log::add);
    assertEquals(Backend.CUDA, s.resolved());
    assertEquals(1, log.size());
    assertTrue(log.get(0).contains("auto -> cuda") && log.get(0).contains("H200"), log.get(0));
  }

  @Test
  void explicitCudaWithoutGpuFailsLoudlyInsteadOfFallingBack() {
    List<String> log = new ArrayList<>();
    BackendUnavailableException e =
        assertThrows(BackendUnavailableException.class, () -> BackendSelection.resolve(Backend.CUDA, NO_GPU, log::add));
    assertTrue(e.getMessage().contains("test probe"), e.getMessage());
    assertTrue(e.getMessage().contains(BackendSelection.PROPERTY), e.getMessage());
    assertEquals(Backend.CUDA, BackendSelection.resolve(Backend.CUDA, H200, log::add).resolved());
  }

  @Test
  void realProbeOfTheDefaultLibraryReportsNoCudaBuild() {
    // The default build has no CUDA backend: the JNI stub says so, and auto falls back to the CPU here.
    assumeFalse(CudaSupport.builtWithCuda(), "library built with CUDA: covered by native/cuda/gpu-check.sh");
    GpuStatus status = CudaSupport.INSTANCE.probe();
    assertFalse(status.usable());
    assertTrue(status.detail().contains("without the CUDA backend"), status.detail());
    List<String> log = new ArrayList<>();
    BackendSelection s = BackendSelection.resolve(Backend.AUTO, CudaSupport.INSTANCE, log::add);
    assertEquals(Backend.CPU, s.resolved());
    assertEquals(1, log.size());
    assertThrows(
        BackendUnavailableException.class,
        () -> BackendSelection.resolve(Backend.CUDA, CudaSupport.INSTANCE, log::add));
  }

  @Test
  void autoWithTheRealProbeFollowsWhatTheProbeReports() {
    // Holds for every library and host: default build (no CUDA), CUDA build without GPU (the statically linked runtime
    // reports no driver), and a GPU host.
    GpuStatus status = CudaSupport.INSTANCE.probe();
    List<String> log = new ArrayList<>();
    BackendSelection s = BackendSelection.resolve(Backend.AUTO, CudaSupport.INSTANCE, log::add);
    assertEquals(status.usable() ? Backend.CUDA : Backend.CPU, s.resolved());
    assertEquals(1, log.size());
    assertTrue(log.get(0).contains(status.detail()), log.get(0));
    if (!status.usable()) {
      assertThrows(
          BackendUnavailableException.class,
          () -> BackendSelection.resolve(Backend.CUDA, CudaSupport.INSTANCE, log::add));
    }
  }

  @Test
  void jvmSelectionFollowsTheSystemProperty() {
    // Surefire does not set the property: the JVM-wide selection is the CPU, as before this feature existed.
    assumeFalse(System.getProperty(BackendSelection.PROPERTY) != null, "property set externally");
    BackendSelection s = BackendSelection.current();
    assertEquals(Backend.CPU, s.resolved());
    assertEquals(s, BackendSelection.current());
  }
}
