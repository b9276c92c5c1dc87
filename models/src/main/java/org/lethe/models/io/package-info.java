/** Checkpoints in the safetensors format, with metadata and atomic writes. */
package org.lethe.models.io;
