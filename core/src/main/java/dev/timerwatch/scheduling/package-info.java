/**
 * Tracking decorators for {@code ScheduledExecutorService}s that keep the semantics of the
 * executor they wrap.
 */
@NullMarked
package dev.timerwatch.scheduling;

import org.jspecify.annotations.NullMarked;
