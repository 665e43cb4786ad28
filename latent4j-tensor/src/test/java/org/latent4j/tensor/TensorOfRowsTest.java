package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorOfRowsTest {
    @Test
    void copiesRowsInRowMajorOrder() {
        float[][] rows = {{1, 2, 3}, {4, 5, 6}};
        Tensor t = Tensor.ofRows(rows);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toArray());
        rows[1][0] = 40;
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toArray(), "a copy, not a view of the caller's arrays");
    }

    @Test
    void refusesRaggedOrMissingRows() {
        ShapeException ragged = assertThrows(ShapeException.class, () -> Tensor.ofRows(new float[][] {{1, 2}, {3}}));
        assertTrue(ragged.getMessage().contains("row 1 has 1 values, row 0 has 2"), ragged.getMessage());
        assertThrows(ShapeException.class, () -> Tensor.ofRows(new float[0][]));
    }
}
