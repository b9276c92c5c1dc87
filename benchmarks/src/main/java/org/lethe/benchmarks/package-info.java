/** JMH benchmarks of Lethe's kernels and engine; each validates its result before timing. */
package org.lethe.benchmarks;
