/** Training: configuration with the paper's defaults, the trainer, progress display and history. */
package org.lethe.models.train;
