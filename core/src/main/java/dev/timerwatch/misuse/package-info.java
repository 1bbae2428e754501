/**
 * Detection of scheduling misuse: hot loops, overruns, silent deaths, repeated failures,
 * starvation, stuck runs, periodic tasks that schedule on each run, and non-singleton scheduled
 * beans.
 */
@NullMarked
package dev.timerwatch.misuse;

import org.jspecify.annotations.NullMarked;
