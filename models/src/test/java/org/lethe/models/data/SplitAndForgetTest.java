package org.lethe.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Splits and forget sets are reproducible from their seed and disjoint where they must be. */
class SplitAndForgetTest {
    private static final RegressionData CONCRETE = BuiltinDatasets.load("concrete");

    private static boolean disjoint(int[]... parts) {
        long total = Arrays.stream(parts).mapToLong(p -> p.length).sum();
        return IntStream.concat(Arrays.stream(parts).flatMapToInt(Arrays::stream), IntStream.empty()).distinct().count() == total;
    }

    @Test
    void splitsAreSeededDisjointAndComplete() {
        Split a = Split.random(1030, 0.1, 0.2, 5);
        Split b = Split.random(1030, 0.1, 0.2, 5);
        assertArrayEquals(a.train(), b.train());
        assertArrayEquals(a.test(), b.test());
        assertTrue(disjoint(a.train(), a.validation(), a.test()));
        assertEquals(1030, a.train().length + a.validation().length + a.test().length);
        assertEquals(206, a.test().length);
        assertEquals(103, a.validation().length);
        assertFalse(Arrays.equals(a.test(), Split.random(1030, 0.1, 0.2, 6).test()));
        Split o = Split.ordered(100, 0.1, 0.2);
        assertEquals(69, o.train()[o.train().length - 1]);
        assertEquals(80, o.test()[0]);
    }

    @Test
    void cohortForgetSetsPartitionTrainAndTest() {
        Split s = Split.random(CONCRETE.size(), 0.1, 0.2, 1);
        ForgetSet f = ForgetSet.resolve("target < 20", CONCRETE, s, 1);
        assertTrue(f.cohort());
        assertTrue(disjoint(f.trainForget(), f.trainRetain()));
        assertEquals(s.train().length, f.trainForget().length + f.trainRetain().length);
        assertEquals(s.test().length, f.testForget().length + f.testRetain().length);
        for (int r : f.trainForget()) {
            assertTrue(CONCRETE.target(r) < 20);
        }
        for (int r : f.testRetain()) {
            assertTrue(CONCRETE.target(r) >= 20);
        }
        int all = f.trainForget().length + f.testForget().length + f.validationForget().length;
        assertEquals(197, all);
    }

    @Test
    void randomAndExplicitRequestsAndSequences() {
        Split s = Split.random(CONCRETE.size(), 0.1, 0.2, 1);
        ForgetSet a = ForgetSet.resolve("random:0.1", CONCRETE, s, 9);
        assertArrayEquals(a.trainForget(), ForgetSet.resolve("random:0.1", CONCRETE, s, 9).trainForget());
        assertEquals(Math.round(0.1 * s.train().length), a.trainForget().length);
        assertFalse(a.cohort());
        assertEquals(0, a.testForget().length);
        int id = s.train()[3];
        ForgetSet ids = ForgetSet.resolve("ids:" + id + "," + s.train()[0], CONCRETE, s, 0);
        assertArrayEquals(new int[] {s.train()[0], id}, ids.trainForget());
        ForgetSet seq = ForgetSet.resolve("target < 20; random:50; age == 3", CONCRETE, s, 2);
        assertTrue(disjoint(seq.trainForget(), seq.trainRetain()));
        int[] cohorts = Arrays.stream(s.train()).filter(r -> CONCRETE.column("age")[r] == 3 || CONCRETE.target(r) < 20).toArray();
        for (int r : cohorts) {
            assertTrue(Arrays.binarySearch(seq.trainForget(), r) >= 0, "row " + r + " of a cohort is forgotten");
        }
        int extra = seq.trainForget().length - cohorts.length;
        assertTrue(extra > 0 && extra <= 50, "the random request adds up to 50 rows outside the cohorts: " + extra);
    }

    @Test
    void badForgetDefinitionsAreOneLineErrors() {
        Split s = Split.random(CONCRETE.size(), 0.1, 0.2, 1);
        assertEquals("forget 'target < -5' selects no training rows",
                assertThrows(DataException.class, () -> ForgetSet.resolve("target < -5", CONCRETE, s, 0)).getMessage());
        assertEquals("forget 'target > 0' selects every training row; nothing would remain",
                assertThrows(DataException.class, () -> ForgetSet.resolve("target > 0", CONCRETE, s, 0)).getMessage());
        assertTrue(assertThrows(DataException.class, () -> ForgetSet.resolve("strength < 20", CONCRETE, s, 0)).getMessage()
                .startsWith("forget 'strength < 20': data set concrete has no column 'strength'; columns: target, cement"));
        assertEquals("forget 'ids:5000': row 5000 does not exist (the data set has 1030 rows, 0..1029)",
                assertThrows(DataException.class, () -> ForgetSet.resolve("ids:5000", CONCRETE, s, 0)).getMessage());
        int testRow = s.test()[0];
        assertEquals("forget 'ids:" + testRow + "': row " + testRow + " is not a training row (or was forgotten already)",
                assertThrows(DataException.class, () -> ForgetSet.resolve("ids:" + testRow, CONCRETE, s, 0)).getMessage());
        assertEquals("forget 'random:1.5': give a fraction in (0, 1) or a whole number of rows",
                assertThrows(DataException.class, () -> ForgetSet.resolve("random:1.5", CONCRETE, s, 0)).getMessage());
        assertTrue(assertThrows(DataException.class, () -> ForgetSet.resolve("forget the young", CONCRETE, s, 0)).getMessage()
                .startsWith("forget 'forget the young': not understood"));
        assertEquals("forget 'target < abc': 'abc' is not a number",
                assertThrows(DataException.class, () -> ForgetSet.resolve("target < abc", CONCRETE, s, 0)).getMessage());
        assertEquals("forget: the definition is empty",
                assertThrows(DataException.class, () -> ForgetSet.resolve(" ", CONCRETE, s, 0)).getMessage());
        assertEquals("forget: the definition is empty",
                assertThrows(DataException.class, () -> ForgetSet.resolve(" ; ;", CONCRETE, s, 0)).getMessage(),
                "separators alone are no request (they used to forget nothing)");
    }

    @Test
    void normalisationIsFittedOnTrainingRowsOnly() {
        Split s = Split.random(CONCRETE.size(), 0.1, 0.2, 1);
        Normalizer n = Normalizer.fit(CONCRETE, s.train(), true, true);
        double mean = Arrays.stream(s.train()).mapToDouble(CONCRETE::target).average().orElseThrow();
        assertEquals(mean, n.targetMean(), 1e-9);
        assertEquals(8, n.featureMean().length);
        RegressionData z = n.apply(CONCRETE);
        double[] t = Arrays.stream(s.train()).mapToDouble(z::target).toArray();
        assertEquals(0, Arrays.stream(t).average().orElseThrow(), 1e-9);
        assertEquals(42.0, n.untarget(n.target(42.0)), 1e-9);
        Normalizer back = Normalizer.fromMap(new com.fasterxml.jackson.databind.ObjectMapper().convertValue(n.describe(),
                java.util.Map.class));
        assertArrayEquals(n.featureStd(), back.featureStd());
        assertEquals(n.targetStd(), back.targetStd());
    }
}
