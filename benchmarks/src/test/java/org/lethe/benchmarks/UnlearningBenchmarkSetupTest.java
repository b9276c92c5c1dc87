package org.lethe.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;

/**
 * The unlearning benchmark's setup (which loads a built-in data set, trains an original and checks
 * that the method changes it) and one measured call, for each method on the tabular data set, with
 * the benchmarks module's own classpath: DJL's dependencies once put a commons-io there that cannot
 * read the built-in CSV files, and only a JMH run found out.
 */
class UnlearningBenchmarkSetupTest {
    @Test
    void everyMethodSetsUpAndRunsOnConcrete() {
        Backend previous = Backends.defaultBackend();
        try {
            for (String method : new String[] {"retrain-epoch", "gaussian", "blindspot"}) {
                UnlearningBenchmark b = new UnlearningBenchmark();
                b.dataset = "concrete";
                b.method = method;
                b.threads = 2;
                b.setUp();
                try {
                    assertTrue(b.unlearn() > 0, method + " took optimiser steps");
                } finally {
                    b.tearDown();
                }
            }
        } finally {
            Backends.setDefaultBackend(previous);
        }
    }
}
