package dev.timerwatch.trend;

import java.util.ArrayList;
import java.util.List;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.OriginStats.EpochCount;
import dev.timerwatch.tracking.OriginStats.Lane;
import dev.timerwatch.trend.LaneWatch.LaneVerdict;
import org.jspecify.annotations.Nullable;

/**
 * Everything the detector keeps of one origin between samples, and its verdict at each: one
 * {@link LaneWatch} per lane of its tasks ({@link Lane}: its one-shot tasks, its periodic
 * tasks, and its one-shot tasks of a delay far beyond the others'), each created when the
 * lane gets its first task, and judged apart. The origin leaks when any lane does. Used by
 * the sampling thread only. See {@link LeakDetector} for the method.
 */
final class OriginWatch {

	private static final Lane[] LANES = Lane.values();

	private final long windowMillis;

	private final long intervalMillis;

	private final double minGrowthPerMinute;

	private final PendingHistory pending;

	// Per lane, by ordinal; null until the lane's first task.
	private final @Nullable LaneWatch[] lanes = new LaneWatch[LANES.length];

	private boolean reported;

	OriginWatch(long windowMillis, long intervalMillis, double minGrowthPerMinute) {
		this.windowMillis = windowMillis;
		this.intervalMillis = intervalMillis;
		this.minGrowthPerMinute = minGrowthPerMinute;
		this.pending = new PendingHistory((int) (windowMillis / intervalMillis) + 1);
	}

	OriginVerdict judge(OriginStats origin, long now) {
		List<LaneVerdict> verdicts = new ArrayList<>(LANES.length);
		long oneShotHorizon = -1;
		for (Lane lane : LANES) {
			List<EpochCount> epochs = origin.pendingByEpoch(lane);
			LaneWatch watch = this.lanes[lane.ordinal()];
			if (watch == null && !epochs.isEmpty()) {
				watch = new LaneWatch(lane, this.windowMillis, this.intervalMillis, this.minGrowthPerMinute);
				this.lanes[lane.ordinal()] = watch;
			}
			if (watch != null) {
				// The one-shot lane is judged first: its horizon bounds the long-delay lane's.
				LaneVerdict verdict = watch.judge(epochs, now, oneShotHorizon);
				if (lane == Lane.ONE_SHOT) {
					oneShotHorizon = verdict.horizonMillis();
				}
				verdicts.add(verdict);
			}
		}
		long pendingNow = 0;
		boolean leaking = false;
		boolean anyJudged = false;
		boolean allJudgedOrEmpty = true;
		LaneVerdict lead = null;
		for (LaneVerdict verdict : verdicts) {
			pendingNow += verdict.pending();
			leaking |= verdict.isLeaking();
			anyJudged |= verdict.judged();
			allJudgedOrEmpty &= judgedOrEmpty(verdict);
			lead = (lead == null) ? verdict : lead(lead, verdict);
		}
		this.pending.add(now, pendingNow);
		Trend trend;
		if (leaking) {
			trend = Trend.GROWING;
		}
		else {
			boolean judged = (verdicts.size() > 1) ? anyJudged && allJudgedOrEmpty : lead != null && lead.judged();
			trend = judged ? Trend.STABLE : Trend.UNKNOWN;
		}
		if (lead == null) {
			return new OriginVerdict(origin, trend, -1, pendingNow, 0, -1, -1, 0, 0, null, -1, this.windowMillis,
					this.pending.times(), this.pending.counts());
		}
		// The lane is named when the origin has more than one; the long-delay lane always, as
		// its tasks are not all of the origin's one-shot tasks.
		String lane = (lead.lane() == Lane.LONG_DELAY) ? OriginVerdict.LONG_DELAY
				: (verdicts.size() > 1) ? ((lead.lane() == Lane.PERIODIC) ? "periodic" : "one-shot") : null;
		long longDelayOver = origin.longDelayOverNanos();
		return new OriginVerdict(origin, trend, lead.leakingSinceMillis(), pendingNow, lead.outlived(),
				lead.horizonMillis(), lead.longestLifetimeMillis(), lead.outlivedRiseInWindow(), lead.growthPerMinute(),
				lane, (longDelayOver >= 0) ? longDelayOver / 1_000_000 : -1, this.windowMillis, this.pending.times(),
				this.pending.counts());
	}

	// Of an origin with more than one lane, a lane with nothing pending cannot be growing: it
	// does not hold the origin's trend back while it learns (one early one-shot task on a line
	// of periodic ones may never teach it).
	private static boolean judgedOrEmpty(LaneVerdict verdict) {
		return verdict.judged() || verdict.pending() == 0;
	}

	/**
	 * Of two lanes, the one whose figures the origin's verdict shows: a leaking one (the one
	 * leaking longer, if both are), else the one with more pending tasks (the first, if as
	 * many).
	 */
	private static LaneVerdict lead(LaneVerdict first, LaneVerdict second) {
		if (first.isLeaking() != second.isLeaking()) {
			return first.isLeaking() ? first : second;
		}
		if (first.isLeaking()) {
			return (second.leakingSinceMillis() < first.leakingSinceMillis()) ? second : first;
		}
		return (second.pending() > first.pending()) ? second : first;
	}

	/**
	 * Whether the origin's leak is to be logged now: once per leak, when it begins. A leak
	 * ends once its outlived count has made no new high for a window; one that begins after
	 * that is a leak of its own, and is logged again.
	 * @param verdict this sample's verdict
	 * @return whether to report it
	 */
	boolean reportsNewLeak(OriginVerdict verdict) {
		if (!verdict.isLeaking()) {
			this.reported = false;
			return false;
		}
		if (!this.reported) {
			this.reported = true;
			return true;
		}
		return false;
	}

}
