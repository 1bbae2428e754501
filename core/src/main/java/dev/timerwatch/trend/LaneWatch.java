package dev.timerwatch.trend;

import java.util.List;

import dev.timerwatch.tracking.OriginStats.EpochCount;
import dev.timerwatch.tracking.OriginStats.Lane;

/**
 * Everything the detector keeps of one lane of one origin ({@link Lane}) between samples,
 * and its verdict at each. Used by the sampling thread only. See {@link LeakDetector} for the
 * method.
 */
final class LaneWatch {

	/** How far past the longest lifetime seen a task must be to count as outlived. */
	static final double HORIZON_FACTOR = 1.25;

	/**
	 * How many times its longest lifetime seen a lane must have been watched before that
	 * lifetime is trusted.
	 */
	static final int TRUST_AFTER_LIFETIMES = 3;

	/** How many times its tasks pending short of the horizon must have ended, likewise. */
	static final int TRUST_AFTER_ENDED = 10;

	private final Lane lane;

	private final long windowMillis;

	private final double minGrowthPerMinute;

	private final OriginAges ages = new OriginAges();

	private final BlockMinima minima;

	private final PendingHistory outlived;

	private final LeakEpisode episode;

	// When this detector first saw the lane: a restart forgets it with the rest.
	private long firstSeenMillis = -1;

	private boolean trusted;

	// The ended count at the last sample, and when it last grew: a lane learning whose tasks
	// have stopped ending is judged as one none of whose tasks has ended.
	private long endedSeen;

	private long lastEndMillis = -1;

	LaneWatch(Lane lane, long windowMillis, long intervalMillis, double minGrowthPerMinute) {
		this.lane = lane;
		this.windowMillis = windowMillis;
		this.minGrowthPerMinute = minGrowthPerMinute;
		this.minima = new BlockMinima(windowMillis, intervalMillis);
		this.outlived = new PendingHistory((int) (windowMillis / intervalMillis) + 1);
		this.episode = new LeakEpisode(windowMillis);
	}

	LaneVerdict judge(List<EpochCount> epochs, long now) {
		return judge(epochs, now, -1);
	}

	/**
	 * Judge the lane at a sample.
	 * @param epochs its live epochs, oldest first
	 * @param now the sample's time
	 * @param oneShotHorizonMillis for the long-delay lane, the horizon of the origin's
	 * one-shot lane, -1 while it is learning or has none
	 * @return the verdict
	 */
	LaneVerdict judge(List<EpochCount> epochs, long now, long oneShotHorizonMillis) {
		if (this.firstSeenMillis < 0) {
			this.firstSeenMillis = now;
		}
		long pendingNow = 0;
		for (EpochCount epoch : epochs) {
			pendingNow += epoch.pending();
		}
		this.ages.observe(epochs, now);
		long longest = this.ages.longestLifetimeMillis();
		boolean anyEnded = this.ages.hasSeenAnEnd();
		if (this.ages.endedCount() > this.endedSeen) {
			this.endedSeen = this.ages.endedCount();
			this.lastEndMillis = now;
		}
		// With nothing ended, the line may keep every task, or may be warming up with tasks
		// that live long: one window, and a rise lasting over a quarter of one, tell them apart.
		long horizon;
		boolean learning;
		boolean fresh;
		if (this.lane == Lane.LONG_DELAY) {
			// Its tasks were given delays far beyond every other task of the origin's: judged
			// as a lane none of whose tasks has ended, against a window, or the one-shot lane's
			// horizon if trusted and shorter (such a task has then outlived every one-shot
			// lifetime, and is judged on that lane's blocks), or past the longest lifetime its
			// own tasks have been seen to have; and never learning. A few healthy tasks of
			// unusual delay, ending early, would otherwise keep it learning, and blind it to a
			// leak, for good.
			boolean oneShotTrusted = oneShotHorizonMillis >= 0 && oneShotHorizonMillis < this.windowMillis;
			long base = oneShotTrusted ? oneShotHorizonMillis : this.windowMillis;
			horizon = Math.max(base, anyEnded ? Math.round(HORIZON_FACTOR * longest) : 0);
			learning = false;
			fresh = !oneShotTrusted;
		}
		else {
			horizon = anyEnded ? Math.max(this.windowMillis / 2, Math.round(HORIZON_FACTOR * longest))
					: this.windowMillis;
			// Pending short of the horizon, counted as the outlived are: the pending count less
			// the outlived would count tasks cancelled since the last sample as below zero young
			// ones, and could grant trust for good with almost nothing ended.
			learning = anyEnded && !trusts(longest, this.ages.youngerThan(horizon, now), now);
			fresh = !anyEnded;
			if (learning && this.episode.since() >= 0) {
				// A lane learning counts nothing as outlived, so it leaks only as it was found
				// leaking before its first task ended: against a window. Its first tasks to end
				// (leaked ones cancelled, say) must not end that leak, nor blind the lane to it
				// until ten times its pending tasks have ended; so it goes on being judged as
				// before, until the leak ends. A healthy lane is judged as before its first end
				// only if it alarmed then, which a lane warming up with tasks that live longer than
				// a window can do; it then leaks only while the count goes on rising.
				horizon = this.windowMillis;
				learning = false;
				fresh = true;
			}
			else if (learning && pendingNow > 0 && endsStalled(longest, now)) {
				// Learning, but none of its tasks has ended for a window, and for three times
				// the longest lifetime it has seen, while it has tasks: whatever taught it (a
				// leak's tasks cancelled once, say) is over, and a line that now keeps every
				// task would never be trusted, nor judged. So it is judged as a lane none of
				// whose tasks has ended, past the longest lifetime it has seen, until one ends.
				horizon = Math.max(this.windowMillis, Math.round(HORIZON_FACTOR * longest));
				learning = false;
				fresh = true;
			}
		}
		long outlivedNow = learning ? 0 : this.ages.olderThan(horizon, now);
		this.minima.add(now, outlivedNow);
		this.outlived.add(now, outlivedNow);
		this.episode.update(now, outlivedNow, this.minima.risePerMinute(now, this.minGrowthPerMinute, fresh));
		return new LaneVerdict(this.lane, pendingNow, outlivedNow, learning ? -1 : horizon, longest,
				outlivedNow - this.outlived.counts()[0], this.episode.since(), this.episode.risePerMinute(),
				!learning && this.minima.judges());
	}

	private boolean endsStalled(long longest, long now) {
		return now - this.lastEndMillis > Math.max(this.windowMillis, TRUST_AFTER_LIFETIMES * longest);
	}

	/**
	 * Whether the longest lifetime seen can be trusted as a bound. Early on, the tasks seen to
	 * end are the short-lived ones, and the longest of n exponential lifetimes leaves about
	 * level / n^0.25 healthy tasks of a level beyond 1.25 times it. So it takes a lane
	 * watched for a few of those lifetimes, and far more tasks ended than are pending short of
	 * the horizon (the healthy level: leaked tasks soon age past it). Once trusted, always: a
	 * leak that starts later must not send its lane back to learning.
	 */
	private boolean trusts(long longest, long young, long now) {
		if (!this.trusted) {
			this.trusted = now - this.firstSeenMillis >= TRUST_AFTER_LIFETIMES * longest
					&& this.ages.endedCount() >= TRUST_AFTER_ENDED * young + 20;
		}
		return this.trusted;
	}

	/**
	 * One lane's figures at one sample.
	 *
	 * @param lane the lane
	 * @param pending its pending tasks
	 * @param outlived those older than the horizon, 0 while learning
	 * @param horizonMillis the horizon, -1 while learning
	 * @param longestLifetimeMillis the longest lifetime seen, -1 if none ended
	 * @param outlivedRiseInWindow how much the outlived count rose over the last window
	 * @param leakingSinceMillis when the lane's current leak was first seen, -1 if none
	 * @param growthPerMinute how fast the outlived count rises while leaking
	 * @param judged whether the lane is past learning and has seen enough blocks to judge
	 */
	record LaneVerdict(Lane lane, long pending, long outlived, long horizonMillis, long longestLifetimeMillis,
			long outlivedRiseInWindow, long leakingSinceMillis, double growthPerMinute, boolean judged) {

		boolean isLeaking() {
			return this.leakingSinceMillis >= 0;
		}

	}

}
