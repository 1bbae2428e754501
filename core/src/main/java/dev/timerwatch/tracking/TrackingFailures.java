package dev.timerwatch.tracking;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where tracking code sends its own failures. Tracking must never break the task it watches,
 * so every tracking step runs inside a guard that reports here instead of throwing: the first
 * failure is logged with its stack trace, later ones are only counted.
 */
public final class TrackingFailures {

	private static final System.Logger logger = System.getLogger(TrackingFailures.class.getName());

	private static final LongAdder count = new LongAdder();

	private static final AtomicBoolean logged = new AtomicBoolean();

	private TrackingFailures() {
	}

	/**
	 * Record a failure inside tracking.
	 * @param failure what was thrown
	 */
	public static void report(Throwable failure) {
		try {
			count.increment();
			if (logged.compareAndSet(false, true)) {
				logger.log(Level.WARNING, "timerwatch tracking failed; the task itself was not affected. "
						+ "Later tracking failures are counted, not logged.", failure);
			}
		}
		catch (Throwable ignored) {
			// Nothing left to do safely: the user's task must go on regardless.
		}
	}

	/**
	 * How many tracking failures have occurred in this JVM.
	 * @return the count
	 */
	public static long count() {
		return count.sum();
	}

}
