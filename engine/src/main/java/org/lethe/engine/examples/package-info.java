/** Small runnable programs that show the engine at work. */
package org.lethe.engine.examples;
