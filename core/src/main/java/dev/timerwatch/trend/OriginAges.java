package dev.timerwatch.trend;

import java.util.List;

import dev.timerwatch.tracking.OriginStats.EpochCount;

/**
 * What the detector learns of one origin's task ages from one sample to the next: the longest
 * lifetime its tasks have been seen to end at, and how many pending tasks are older than a
 * horizon. Used by the sampling thread only.
 *
 * <p>A task's age is known to the resolution of its creation epoch: a task of an epoch that
 * began at {@code s} and ended at {@code e} is between {@code now - e} and {@code now - s}
 * old. Both figures err on the side of no alarm: a lifetime is learned as the upper bound, an
 * outlived task is counted with the lower bound.
 *
 * <p>A periodic task is briefly not pending while it runs, so a task counts as still there if
 * it was pending at either of the last two samples, and a task counts as ended only once it
 * has been missing at two samples in a row. Otherwise a periodic task caught running would
 * teach a lifetime as long as its age, and hide every periodic leak of its origin.
 */
final class OriginAges {

	private static final long[] NONE = new long[0];

	private long[] starts = NONE;

	// The latest creation time of each epoch's tasks, or -1 while it may take more.
	private long[] ends = NONE;

	private long[] admitted = NONE;

	private long[] pending = NONE;

	// Departures seen at two samples in a row, per epoch: only ever grows.
	private long[] ended = NONE;

	private long[] held = NONE;

	private long previousSampleMillis = -1;

	private long longestLifetimeMillis = -1;

	private long endedCount;


	/**
	 * Read the origin's epochs at a sample and learn from the tasks that ended since the last.
	 * @param epochs the origin's live epochs, oldest first
	 * @param now the sample's time
	 */
	void observe(List<EpochCount> epochs, long now) {
		int size = epochs.size();
		long[] nextStarts = new long[size];
		long[] nextEnds = new long[size];
		long[] nextAdmitted = new long[size];
		long[] nextPending = new long[size];
		long[] nextEnded = new long[size];
		long[] nextHeld = new long[size];
		int previous = 0;
		for (int i = 0; i < size; i++) {
			EpochCount epoch = epochs.get(i);
			long start = epoch.startMillis();
			while (previous < this.starts.length && this.starts[previous] < start) {
				// Pruned since the last sample: only drained epochs are pruned.
				if (this.pending[previous] > 0) {
					this.endedCount += this.pending[previous];
					learn(now - this.starts[previous]);
				}
				previous++;
			}
			nextStarts[i] = start;
			nextEnds[i] = epoch.endMillis();
			nextAdmitted[i] = epoch.admitted();
			nextPending[i] = epoch.pending();
			if (previous < this.starts.length && this.starts[previous] == start) {
				long gone = Math.min(this.admitted[previous] - this.pending[previous],
						epoch.admitted() - epoch.pending());
				nextEnded[i] = Math.max(this.ended[previous], gone);
				if (gone > this.ended[previous]) {
					this.endedCount += gone - this.ended[previous];
					// Gone at both samples, so gone by the previous one.
					learn(this.previousSampleMillis - start);
				}
				nextHeld[i] = Math.max(this.pending[previous], epoch.pending());
				previous++;
			}
			else {
				nextHeld[i] = epoch.pending();
			}
		}
		for (; previous < this.starts.length; previous++) {
			if (this.pending[previous] > 0) {
				this.endedCount += this.pending[previous];
				learn(now - this.starts[previous]);
			}
		}
		this.starts = nextStarts;
		this.ends = nextEnds;
		this.admitted = nextAdmitted;
		this.pending = nextPending;
		this.ended = nextEnded;
		this.held = nextHeld;
		this.previousSampleMillis = now;
	}

	private void learn(long lifetimeMillis) {
		if (lifetimeMillis > this.longestLifetimeMillis) {
			this.longestLifetimeMillis = lifetimeMillis;
		}
	}

	/**
	 * Whether any task of the origin has been seen to end.
	 * @return whether a lifetime is known
	 */
	boolean hasSeenAnEnd() {
		return this.longestLifetimeMillis >= 0;
	}

	/**
	 * How many of the origin's tasks have been seen to end, at two samples in a row.
	 * @return the count
	 */
	long endedCount() {
		return this.endedCount;
	}

	/**
	 * The longest lifetime seen, an upper bound to the epoch's resolution.
	 * @return milliseconds, or -1 if no task has ended yet
	 */
	long longestLifetimeMillis() {
		return this.longestLifetimeMillis;
	}

	/**
	 * How many tasks of the last observed sample are surely older than the horizon.
	 * @param horizonMillis the age
	 * @param now the sample's time
	 * @return the count
	 */
	long olderThan(long horizonMillis, long now) {
		return held(0, firstYoung(horizonMillis, now));
	}

	/**
	 * How many tasks of the last observed sample are not surely older than the horizon: the
	 * rest of those {@link #olderThan} counts, counted alike (a task pending at either of the
	 * last two samples), so that the two add up to the same tasks.
	 * @param horizonMillis the age
	 * @param now the sample's time
	 * @return the count
	 */
	long youngerThan(long horizonMillis, long now) {
		return held(firstYoung(horizonMillis, now), this.starts.length);
	}

	// The first epoch not surely older than the horizon.
	private int firstYoung(long horizonMillis, long now) {
		int i = 0;
		for (; i < this.starts.length; i++) {
			// The epoch's end, once known, or else the next live epoch's start (a pruned epoch in
			// between only moves that end later, so the count errs low); the newest epoch's, until
			// known, is now: it may still take tasks.
			long next = (i + 1 < this.starts.length) ? this.starts[i + 1] : now;
			long end = (this.ends[i] >= 0) ? Math.min(this.ends[i], next) : next;
			if (now - end < horizonMillis) {
				break;
			}
		}
		return i;
	}

	private long held(int from, int to) {
		long count = 0;
		for (int i = from; i < to; i++) {
			count += this.held[i];
		}
		return count;
	}

}
