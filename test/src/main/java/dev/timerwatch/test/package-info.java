/**
 * Fails a test that leaves timers, scheduled tasks or threads behind: {@link VerifyNoTimerLeaks}
 * for JUnit Jupiter, {@link TimerLeaks} for any other test framework.
 */
@NullMarked
package dev.timerwatch.test;

import org.jspecify.annotations.NullMarked;
