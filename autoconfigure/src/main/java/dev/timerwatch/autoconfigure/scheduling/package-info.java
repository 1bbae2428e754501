/**
 * Spring integration of the tracking decorators: the post-processor that wraps scheduler
 * beans and the {@code TaskScheduler} interceptor.
 */
@NullMarked
package dev.timerwatch.autoconfigure.scheduling;

import org.jspecify.annotations.NullMarked;
