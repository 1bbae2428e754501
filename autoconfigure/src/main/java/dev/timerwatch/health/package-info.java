/**
 * The {@code timers} health indicator and the sampler that feeds it.
 */
@NullMarked
package dev.timerwatch.health;

import org.jspecify.annotations.NullMarked;
