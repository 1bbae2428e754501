/**
 * Micrometer meters for tracked schedulers and origins.
 */
@NullMarked
package dev.timerwatch.metrics;

import org.jspecify.annotations.NullMarked;
