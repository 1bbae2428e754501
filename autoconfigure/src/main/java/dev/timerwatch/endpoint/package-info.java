/**
 * The {@code timers} actuator endpoint.
 */
@NullMarked
package dev.timerwatch.endpoint;

import org.jspecify.annotations.NullMarked;
