package org.lethe.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every Lethe benchmark shares (as in Commons RNG's JMH module): average time per
 * operation in milliseconds, one fork with a fixed heap and the parallel collector (as {@code ./lethe}
 * runs; with G1 the LSTM step took 17% longer), short warm-up and measurement iterations
 * that a 2-core machine can afford. Subclasses validate their result against a reference in their
 * setup, before anything is timed, and each has a baseline method.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC", "--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public abstract class BaseBenchmark {
}
