package dev.timerwatch.tracking;

/**
 * Epoch milliseconds that never go back: the wall clock at the first read, moved on by
 * {@link System#nanoTime()}. Task ages, epochs and the detector's windows are differences of
 * these. A wall clock set back (by NTP, by hand) would make a later epoch start before an
 * earlier one, so that tasks still pending look ended and teach a lifetime long enough to hide a
 * leak; set forward, it would age every pending task at once. The price: readings drift from
 * the wall clock by whatever it is set by after the start, which shows only in the timestamps
 * the endpoint and the health details report.
 */
public final class MonotonicClock {

	private static final long START_NANOS = System.nanoTime();

	private static final long START_MILLIS = System.currentTimeMillis();

	private MonotonicClock() {
	}

	/**
	 * The time now.
	 * @return epoch milliseconds, never less than an earlier reading
	 */
	public static long millis() {
		return START_MILLIS + (System.nanoTime() - START_NANOS) / 1_000_000;
	}

}
