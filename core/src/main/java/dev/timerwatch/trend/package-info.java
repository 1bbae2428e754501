/**
 * Trend detection over sampled pending counts: is an origin leaking?
 */
@NullMarked
package dev.timerwatch.trend;

import org.jspecify.annotations.NullMarked;
