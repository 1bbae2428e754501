package dev.timerwatch.trend;

import java.util.Arrays;

/**
 * The minimum of a sampled count over consecutive blocks of time, at several block lengths,
 * to tell a count that keeps rising from one that wanders. Used by the sampling thread only.
 *
 * <p>Consecutive samples of a count of long-lived tasks are strongly correlated, so no test
 * that treats them as independent can be trusted. The minimum over a block is not fooled by
 * a burst or a stray sample, and a leak's count never comes back down: each block's minimum
 * is above the last. A count rises at some block length when the minima of four consecutive
 * blocks (the current one at least half elapsed) each exceed the one before, by at least
 * {@value #MIN_RISE} tasks in all. Three rises in a row mean the count rose during a whole
 * block: a rise that merely straddles one block boundary, such as a batch of tasks created
 * together ageing past a horizon, rises in two blocks at most. Short blocks (an eighth of the
 * window, and at least two samples) catch fast leaks quickly; blocks doubling in length up to
 * {@value #LONGEST_BLOCK_MINUTES} minutes (or a quarter of the window, if longer) catch leaks
 * too slow to add a task to every short block. A caller unsure of its count (see
 * {@link #risePerMinute}) starts at a quarter of a window, so that the count must rise for
 * longer than that.
 */
final class BlockMinima {

	/** The smallest rise over three blocks that counts: two tasks could be chance. */
	static final long MIN_RISE = 3;

	static final long LONGEST_BLOCK_MINUTES = 32;

	private final Scale[] scales;

	// The first scale whose blocks are at least a quarter of a window long.
	private final int quarterWindowScale;

	BlockMinima(long windowMillis, long intervalMillis) {
		long shortest = Math.max(windowMillis / 8, 2 * intervalMillis);
		long longest = LONGEST_BLOCK_MINUTES * 60_000;
		// Doubling up to the longest, and past it until a block is a quarter of a window: with
		// a window over four times the longest, a caller unsure of its count would otherwise be
		// judged on blocks of an eighth.
		int count = 1;
		for (long length = shortest; length * 2 <= longest || length < windowMillis / 4; length *= 2) {
			count++;
		}
		this.scales = new Scale[count];
		int quarterWindow = count - 1;
		for (int i = count - 1; i >= 0; i--) {
			this.scales[i] = new Scale(shortest << i);
			if ((shortest << i) >= windowMillis / 4) {
				quarterWindow = i;
			}
		}
		this.quarterWindowScale = quarterWindow;
	}

	void add(long timeMillis, long count) {
		for (Scale scale : this.scales) {
			scale.add(timeMillis, count);
		}
	}

	/**
	 * The fastest rise at any block length, if the count rises at one.
	 * @param now the time of the last sample
	 * @param minGrowthPerMinute the slowest rise that counts
	 * @param fromQuarterWindow whether to judge only blocks of a quarter of a window or longer
	 * @return tasks per minute, or 0 if the count does not rise
	 */
	double risePerMinute(long now, double minGrowthPerMinute, boolean fromQuarterWindow) {
		double fastest = 0;
		for (int i = fromQuarterWindow ? this.quarterWindowScale : 0; i < this.scales.length; i++) {
			double rise = this.scales[i].risePerMinute(now);
			if (rise >= minGrowthPerMinute && rise > fastest) {
				fastest = rise;
			}
		}
		return fastest;
	}

	/**
	 * Whether the shortest block length has seen three whole blocks, so that a rise could be
	 * seen.
	 * @return whether the count is judged
	 */
	boolean judges() {
		return this.scales[0].hasThreeBlocks();
	}

	private static final class Scale {

		private static final long NONE = Long.MIN_VALUE;

		private final long lengthMillis;

		private long block = NONE;

		private long current;

		// Minima of the three blocks before the current one, latest first; NONE if not seen whole.
		private final long[] before = { NONE, NONE, NONE };

		private boolean partial = true;

		Scale(long lengthMillis) {
			this.lengthMillis = lengthMillis;
		}

		void add(long timeMillis, long count) {
			long index = Math.floorDiv(timeMillis, this.lengthMillis);
			if (index == this.block) {
				this.current = Math.min(this.current, count);
				return;
			}
			if (this.block != NONE && index == this.block + 1) {
				this.before[2] = this.before[1];
				this.before[1] = this.before[0];
				this.before[0] = this.partial ? NONE : this.current;
				this.partial = false;
			}
			else {
				// The first sample, or a gap in the samples: the block may have begun unseen.
				Arrays.fill(this.before, NONE);
				this.partial = true;
			}
			this.block = index;
			this.current = count;
		}

		boolean hasThreeBlocks() {
			return this.before[2] != NONE;
		}

		double risePerMinute(long now) {
			if (this.before[2] == NONE || now - this.block * this.lengthMillis < this.lengthMillis / 2) {
				return 0;
			}
			long rise = this.current - this.before[2];
			if (this.current <= this.before[0] || this.before[0] <= this.before[1] || this.before[1] <= this.before[2]
					|| rise < MIN_RISE) {
				return 0;
			}
			// Each minimum sits near its block's start when the count rises, three blocks apart.
			return rise / (3.0 * this.lengthMillis / 60_000);
		}

	}

}
