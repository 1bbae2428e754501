/**
 * Plain-Java registry of scheduled tasks: origins, per-origin aggregates and task state.
 */
@NullMarked
package dev.timerwatch.tracking;

import org.jspecify.annotations.NullMarked;
