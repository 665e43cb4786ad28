package org.latent4j.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Both recalls on neighbours whose overlaps are counted by hand. */
class RecallTest {
    // two queries, three neighbours each
    private static final Neighbours TRUTH = Recall.ids(2, 3, new int[] {1, 2, 3, 7, 8, 9});
    private static final Neighbours FOUND = Recall.ids(2, 3, new int[] {2, 1, 5, 9, -1, 7});

    @Test
    void knnRecallCountsTheOverlapOfTheTopK() {
        // query 0: {2, 1, 5} ∩ {1, 2, 3} = 2; query 1: {9, 7} ∩ {7, 8, 9} = 2
        assertEquals(4.0 / 6, Recall.knnRecallAt(FOUND, TRUTH, 3), 1e-12);
        // top 1: query 0 found 2, true 1: no; query 1 found 9, true 7: no
        assertEquals(0.0, Recall.knnRecallAt(FOUND, TRUTH, 1), 1e-12);
        // top 2: {2, 1} ∩ {1, 2} = 2, {9, -1} ∩ {7, 8} = 0
        assertEquals(0.5, Recall.knnRecallAt(FOUND, TRUTH, 2), 1e-12);
    }

    @Test
    void oneRecallAsksWhereTheTrueNearestIs() {
        assertEquals(0.0, Recall.oneRecallAt(FOUND, TRUTH, 1), 1e-12);
        assertEquals(0.5, Recall.oneRecallAt(FOUND, TRUTH, 2), 1e-12);
        assertEquals(1.0, Recall.oneRecallAt(FOUND, TRUTH, 3), 1e-12);
    }

    @Test
    void refusesMoreThanIsHeldAndMismatchedQueries() {
        assertThrows(IllegalArgumentException.class, () -> Recall.knnRecallAt(FOUND, TRUTH, 4));
        assertThrows(IllegalArgumentException.class, () -> Recall.oneRecallAt(FOUND, Recall.ids(1, 3, new int[] {1, 2, 3}), 1));
    }
}
