/** Data sets as rows of inputs and targets, subsets and seeded mini-batches. */
package org.lethe.models.data;
