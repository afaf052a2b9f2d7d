package org.cipherformer.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TokenWindowsTest {

    @Test
    void windowsAreNonOverlappingWithTargetsShiftedByOne() {
        int[] ids = {10, 11, 12, 13, 14, 15, 16, 17};
        assertEquals(2, TokenWindows.count(ids.length, 3)); // 7 predictable positions hold two whole windows
        assertArrayEquals(new int[] {10, 11, 12}, TokenWindows.inputs(ids, 0, 3));
        assertArrayEquals(new int[] {11, 12, 13}, TokenWindows.targets(ids, 0, 3));
        assertArrayEquals(new int[] {13, 14, 15}, TokenWindows.inputs(ids, 1, 3));
        assertArrayEquals(new int[] {14, 15, 16}, TokenWindows.targets(ids, 1, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> TokenWindows.inputs(ids, 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> TokenWindows.targets(ids, -1, 3));
    }

    @Test
    void countNeedsOneTokenBeyondEachWindow() {
        assertEquals(0, TokenWindows.count(0, 4));
        assertEquals(0, TokenWindows.count(4, 4));
        assertEquals(1, TokenWindows.count(5, 4));
        assertEquals(1, TokenWindows.count(8, 4));
        assertEquals(2, TokenWindows.count(9, 4));
        assertEquals(8, TokenWindows.count(9, 1));
        assertThrows(IllegalArgumentException.class, () -> TokenWindows.count(9, 0));
        assertThrows(IllegalArgumentException.class, () -> TokenWindows.count(-1, 4));
    }
}
