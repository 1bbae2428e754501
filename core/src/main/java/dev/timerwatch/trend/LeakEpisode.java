package dev.timerwatch.trend;

/**
 * When one origin's leak began and whether it goes on. Used by the sampling thread only.
 *
 * <p>A leak begins when the outlived count rises, and goes on while that count keeps making
 * new highs: it ends once there has been none for a window, or for three times the time the
 * rise took per task, whichever is longer, so that a slow leak between two of its tasks is
 * not over. The long blocks of {@link BlockMinima} keep saying "rose" for a while after a
 * leak stops, so a new leak must also rise above the count at which the last one ended, or
 * the lowest it has fallen to since.
 */
final class LeakEpisode {

	private final long windowMillis;

	private long since = -1;

	private long highWater;

	private long lastHighMillis;

	private double risePerMinute;

	private long endedAt = -1;

	LeakEpisode(long windowMillis) {
		this.windowMillis = windowMillis;
	}

	/**
	 * Move on to a sample.
	 * @param now the sample's time
	 * @param outlived the outlived count
	 * @param rise how fast it rises, 0 if it does not
	 */
	void update(long now, long outlived, double rise) {
		if (this.since < 0) {
			if (rise == 0 && outlived < this.endedAt) {
				// Fallen since the last leak ended (its tasks cancelled, say), and no longer said
				// to rise: a new leak rises from here, and must not wait to pass the old level.
				// Not while the long blocks still say "rose" after the last leak: a dip of a task
				// then would let the old rise open a new leak.
				this.endedAt = outlived;
			}
			if (rise > 0 && outlived > this.endedAt) {
				this.since = now;
				this.highWater = outlived;
				this.lastHighMillis = now;
				this.risePerMinute = rise;
			}
			return;
		}
		if (rise > 0) {
			this.risePerMinute = rise;
		}
		if (outlived > this.highWater) {
			this.highWater = outlived;
			this.lastHighMillis = now;
		}
		long quiet = Math.max(this.windowMillis, Math.round(3 * 60_000 / this.risePerMinute));
		if (now - this.lastHighMillis >= quiet) {
			this.since = -1;
			this.endedAt = outlived;
		}
	}

	/**
	 * When the current leak began.
	 * @return epoch milliseconds, or -1 if the origin is not leaking
	 */
	long since() {
		return this.since;
	}

	/**
	 * How fast the outlived count rose when last seen rising.
	 * @return tasks per minute, 0 if the origin is not leaking
	 */
	double risePerMinute() {
		return (this.since >= 0) ? this.risePerMinute : 0;
	}

}
