package dev.timerwatch.trend;

import java.util.List;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.OriginStats.EpochCount;

/**
 * Everything the detector keeps of one origin between samples, and its verdict at each.
 * Used by the sampling thread only. See {@link LeakDetector} for the method.
 */
final class OriginWatch {

	/** How far past the longest lifetime seen a task must be to count as outlived. */
	static final double HORIZON_FACTOR = 1.25;

	/**
	 * How many times its longest lifetime seen an origin must have been watched before that
	 * lifetime is trusted.
	 */
	static final int TRUST_AFTER_LIFETIMES = 3;

	/** How many times its tasks pending short of the horizon must have ended, likewise. */
	static final int TRUST_AFTER_ENDED = 10;

	private final long windowMillis;

	private final double minGrowthPerMinute;

	private final OriginAges ages = new OriginAges();

	private final BlockMinima minima;

	private final PendingHistory pending;

	private final PendingHistory outlived;

	private final LeakEpisode episode;

	// When this detector first saw the origin: a restart forgets it with the rest.
	private long firstSeenMillis = -1;

	private boolean trusted;

	private boolean reported;

	OriginWatch(long windowMillis, long intervalMillis, double minGrowthPerMinute) {
		this.windowMillis = windowMillis;
		this.minGrowthPerMinute = minGrowthPerMinute;
		this.minima = new BlockMinima(windowMillis, intervalMillis);
		int windowSamples = (int) (windowMillis / intervalMillis) + 1;
		this.pending = new PendingHistory(windowSamples);
		this.outlived = new PendingHistory(windowSamples);
		this.episode = new LeakEpisode(windowMillis);
	}

	OriginVerdict judge(OriginStats origin, long now) {
		if (this.firstSeenMillis < 0) {
			this.firstSeenMillis = now;
		}
		List<EpochCount> epochs = origin.pendingByEpoch();
		long pendingNow = 0;
		for (EpochCount epoch : epochs) {
			pendingNow += epoch.pending();
		}
		this.ages.observe(epochs, now);
		long longest = this.ages.longestLifetimeMillis();
		boolean anyEnded = this.ages.hasSeenAnEnd();
		// With nothing ended, the line may keep every task, or may be warming up with tasks
		// that live long: one window, and a rise lasting over a quarter of one, tell them apart.
		long horizon = anyEnded ? Math.max(this.windowMillis / 2, Math.round(HORIZON_FACTOR * longest))
				: this.windowMillis;
		long outlivedNow = this.ages.olderThan(horizon, now);
		boolean learning = anyEnded && !trusts(longest, pendingNow - outlivedNow, now);
		if (learning) {
			outlivedNow = 0;
		}
		this.minima.add(now, outlivedNow);
		this.pending.add(now, pendingNow);
		this.outlived.add(now, outlivedNow);
		this.episode.update(now, outlivedNow, this.minima.risePerMinute(now, this.minGrowthPerMinute, !anyEnded));
		boolean leaking = this.episode.since() >= 0;
		Trend trend = leaking ? Trend.GROWING : (!learning && this.minima.judges()) ? Trend.STABLE : Trend.UNKNOWN;
		return new OriginVerdict(origin, trend, this.episode.since(), pendingNow, outlivedNow, learning ? -1 : horizon,
				longest, outlivedNow - this.outlived.counts()[0], this.episode.risePerMinute(), this.windowMillis,
				this.pending.times(), this.pending.counts());
	}

	/**
	 * Whether the longest lifetime seen can be trusted as a bound. Early on, the tasks seen to
	 * end are the short-lived ones, and the longest of n exponential lifetimes leaves about
	 * level / n^0.25 healthy tasks of a level beyond 1.25 times it. So it takes an origin
	 * watched for a few of those lifetimes, and far more tasks ended than are pending short of
	 * the horizon (the healthy level: leaked tasks soon age past it). Once trusted, always: a
	 * leak that starts later must not send its origin back to learning.
	 */
	private boolean trusts(long longest, long young, long now) {
		if (!this.trusted) {
			this.trusted = now - this.firstSeenMillis >= TRUST_AFTER_LIFETIMES * longest
					&& this.ages.endedCount() >= TRUST_AFTER_ENDED * young + 20;
		}
		return this.trusted;
	}

	/**
	 * Whether the origin's leak is to be logged now: the first time it leaks, never again.
	 * @param verdict this sample's verdict
	 * @return whether to report it
	 */
	boolean reportsFirstLeak(OriginVerdict verdict) {
		if (verdict.isLeaking() && !this.reported) {
			this.reported = true;
			return true;
		}
		return false;
	}

}
