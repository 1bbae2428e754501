package dev.timerwatch.trend;

import java.util.List;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.OriginStats.EpochCount;
import dev.timerwatch.trend.LaneWatch.LaneVerdict;
import org.jspecify.annotations.Nullable;

/**
 * Everything the detector keeps of one origin between samples, and its verdict at each: one
 * {@link LaneWatch} for its periodic tasks and one for its other tasks, each created when the
 * lane gets its first task, and judged apart. The origin leaks when either lane does. Used by
 * the sampling thread only. See {@link LeakDetector} for the method.
 */
final class OriginWatch {

	private final long windowMillis;

	private final long intervalMillis;

	private final double minGrowthPerMinute;

	private final PendingHistory pending;

	private @Nullable LaneWatch once;

	private @Nullable LaneWatch repeating;

	private boolean reported;

	OriginWatch(long windowMillis, long intervalMillis, double minGrowthPerMinute) {
		this.windowMillis = windowMillis;
		this.intervalMillis = intervalMillis;
		this.minGrowthPerMinute = minGrowthPerMinute;
		this.pending = new PendingHistory((int) (windowMillis / intervalMillis) + 1);
	}

	OriginVerdict judge(OriginStats origin, long now) {
		List<EpochCount> onceEpochs = origin.pendingByEpoch(false);
		List<EpochCount> repeatingEpochs = origin.pendingByEpoch(true);
		if (this.once == null && !onceEpochs.isEmpty()) {
			this.once = new LaneWatch(false, this.windowMillis, this.intervalMillis, this.minGrowthPerMinute);
		}
		if (this.repeating == null && !repeatingEpochs.isEmpty()) {
			this.repeating = new LaneWatch(true, this.windowMillis, this.intervalMillis, this.minGrowthPerMinute);
		}
		LaneVerdict onceVerdict = (this.once != null) ? this.once.judge(onceEpochs, now) : null;
		LaneVerdict repeatingVerdict = (this.repeating != null) ? this.repeating.judge(repeatingEpochs, now) : null;
		long pendingNow = pending(onceVerdict) + pending(repeatingVerdict);
		this.pending.add(now, pendingNow);
		LaneVerdict lead = lead(onceVerdict, repeatingVerdict);
		Trend trend;
		if (isLeaking(onceVerdict) || isLeaking(repeatingVerdict)) {
			trend = Trend.GROWING;
		}
		else {
			boolean judged;
			if (onceVerdict != null && repeatingVerdict != null) {
				judged = (onceVerdict.judged() || repeatingVerdict.judged()) && judgedOrEmpty(onceVerdict)
						&& judgedOrEmpty(repeatingVerdict);
			}
			else {
				judged = lead != null && lead.judged();
			}
			trend = judged ? Trend.STABLE : Trend.UNKNOWN;
		}
		if (lead == null) {
			return new OriginVerdict(origin, trend, -1, pendingNow, 0, -1, -1, 0, 0, null, this.windowMillis,
					this.pending.times(), this.pending.counts());
		}
		return new OriginVerdict(origin, trend, lead.leakingSinceMillis(), pendingNow, lead.outlived(),
				lead.horizonMillis(), lead.longestLifetimeMillis(), lead.outlivedRiseInWindow(), lead.growthPerMinute(),
				(onceVerdict != null && repeatingVerdict != null) ? (lead.repeating() ? "periodic" : "one-shot") : null,
				this.windowMillis, this.pending.times(), this.pending.counts());
	}

	private static long pending(@Nullable LaneVerdict verdict) {
		return (verdict != null) ? verdict.pending() : 0;
	}

	// Of an origin with both lanes, a lane with nothing pending cannot be growing: it does not
	// hold the origin's trend back while it learns (one early one-shot task on a line of
	// periodic ones may never teach it).
	private static boolean judgedOrEmpty(LaneVerdict verdict) {
		return verdict.judged() || verdict.pending() == 0;
	}

	private static boolean isLeaking(@Nullable LaneVerdict verdict) {
		return verdict != null && verdict.isLeaking();
	}

	/**
	 * The lane whose figures the origin's verdict shows: a leaking one (the one leaking
	 * longer, if both are), else the one with more pending tasks.
	 */
	private static @Nullable LaneVerdict lead(@Nullable LaneVerdict once, @Nullable LaneVerdict repeating) {
		if (once == null || repeating == null) {
			return (once != null) ? once : repeating;
		}
		if (once.isLeaking() != repeating.isLeaking()) {
			return once.isLeaking() ? once : repeating;
		}
		if (once.isLeaking()) {
			return (repeating.leakingSinceMillis() < once.leakingSinceMillis()) ? repeating : once;
		}
		return (repeating.pending() > once.pending()) ? repeating : once;
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
