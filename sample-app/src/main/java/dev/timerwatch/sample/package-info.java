/**
 * The timerwatch sample application.
 */
@NullMarked
package dev.timerwatch.sample;

import org.jspecify.annotations.NullMarked;
