package org.cipherformer.he;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NativeLibraryTest {
  @Test
  void bundledLibraryLoadsAndMatchesTheJavaSide() {
    assertEquals(NativeInfo.EXPECTED_VERSION, NativeInfo.version());
  }
}
