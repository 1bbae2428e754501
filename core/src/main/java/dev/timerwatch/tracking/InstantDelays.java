package dev.timerwatch.tracking;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The delays of one-shot tasks that a scheduler is given an instant for (Spring's
 * {@code TaskScheduler.schedule(task, Instant)}), told by the scheduler's own clock without
 * reading it for every task. One per scheduler.
 *
 * <p>An origin needs a task's delay only to compare it with the longest delay of its other
 * one-shot tasks (see {@link OriginStats#admitAt}), and almost every delay is within that
 * longest. So the clock's last reading is kept: the start less that reading is never less
 * than the true delay, since the clock has only moved on since, and when it is within the
 * longest (give or take a sixteenth), so is the delay, and nothing else needs to be known.
 * Only a task whose bound is further over reads the clock (about 30 ns, a sixth of a raw
 * {@code schedule}), which renews the reading. A reading serves within the registry epoch it
 * was taken in, so that a clock set back (a test's, or the system's by a time daemon)
 * misleads until the next epoch at most: its bounds are short by as much as it went back.
 */
public final class InstantDelays {

	private final TimerRegistry registry;

	private volatile @Nullable Reading last;

	InstantDelays(TimerRegistry registry) {
		this.registry = registry;
	}

	/**
	 * A delay no shorter than the true one, from the clock's last reading in this epoch.
	 * @param clock the scheduler's clock
	 * @param startMillis when the task is to run, by that clock
	 * @return nanoseconds, at least zero, or -1 if there is no reading of this clock to tell
	 * it by (then {@link #delayNanos} reads it)
	 */
	long atLeastTheDelayNanos(Clock clock, long startMillis) {
		Reading last = this.last;
		if (last == null || last.clock != clock || last.epoch != this.registry.epoch()) {
			return -1;
		}
		return delayNanos(startMillis, last.millis);
	}

	/**
	 * The delay by a reading of the clock now, which serves the calls that follow.
	 * @param clock the scheduler's clock
	 * @param startMillis when the task is to run, by that clock
	 * @return nanoseconds, at least zero, or -1 if unknown (the clock threw)
	 */
	long delayNanos(Clock clock, long startMillis) {
		long now;
		try {
			now = clock.millis();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return -1;
		}
		this.last = new Reading(clock, now, this.registry.epoch());
		return delayNanos(startMillis, now);
	}

	private static long delayNanos(long startMillis, long nowMillis) {
		long delayMillis = startMillis - nowMillis;
		// An instant too far off to subtract from now (Instant.MAX for "never"): too far to tell.
		if (((startMillis ^ nowMillis) & (startMillis ^ delayMillis)) < 0) {
			return -1;
		}
		return Math.max(0, TimeUnit.MILLISECONDS.toNanos(delayMillis));
	}

	private record Reading(Clock clock, long millis, int epoch) {
	}

}
