/**
 * Detection of scheduling misuse: hot loops, overruns, silent deaths, repeated failures and
 * non-singleton scheduled beans.
 */
@NullMarked
package dev.timerwatch.misuse;

import org.jspecify.annotations.NullMarked;
