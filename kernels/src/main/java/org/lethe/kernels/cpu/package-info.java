/**
 * The pure-Java CPU backend: the reference implementation of every primitive of
 * {@link org.lethe.kernels.Backend}, multithreaded over disjoint outputs so that results are
 * identical for any number of threads ({@code -Dlethe.threads=N} sets the count).
 */
package org.lethe.kernels.cpu;
