/**
 * JMH benchmarks comparing timerwatch with the raw executor and Micrometer's timed executor.
 */
@NullMarked
package dev.timerwatch.benchmarks;

import org.jspecify.annotations.NullMarked;
