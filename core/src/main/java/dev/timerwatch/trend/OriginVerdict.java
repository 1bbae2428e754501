package dev.timerwatch.trend;

import java.util.ArrayList;
import java.util.List;

import dev.timerwatch.tracking.OriginStats;

/**
 * What the last sample said of one origin. Immutable, apart from the live {@link OriginStats}
 * it refers to.
 */
public final class OriginVerdict {

	private final OriginStats origin;

	private final TrendAssessment assessment;

	private final boolean leaking;

	private final long leakingSinceMillis;

	private final long pending;

	private final long[] historyTimes;

	private final long[] historyCounts;

	OriginVerdict(OriginStats origin, TrendAssessment assessment, boolean leaking, long leakingSinceMillis,
			long pending, long[] historyTimes, long[] historyCounts) {
		this.origin = origin;
		this.assessment = assessment;
		this.leaking = leaking;
		this.leakingSinceMillis = leakingSinceMillis;
		this.pending = pending;
		this.historyTimes = historyTimes;
		this.historyCounts = historyCounts;
	}

	public OriginStats origin() {
		return this.origin;
	}

	public Trend trend() {
		return this.assessment.trend();
	}

	/**
	 * The robust growth of the pending count over the judged window.
	 * @return tasks per minute
	 */
	public double growthPerMinute() {
		return this.assessment.growthPerMinute();
	}

	/**
	 * Whether the origin is leaking: it grew in some full window judged within the last
	 * window's length.
	 * @return whether it is leaking
	 */
	public boolean isLeaking() {
		return this.leaking;
	}

	/**
	 * When the current leak was first seen.
	 * @return epoch milliseconds, or -1 when not leaking
	 */
	public long leakingSinceMillis() {
		return this.leakingSinceMillis;
	}

	/**
	 * The pending count at the sample.
	 * @return the count
	 */
	public long pending() {
		return this.pending;
	}

	/**
	 * The sampled pending counts, oldest first.
	 * @return the samples
	 */
	public List<Sample> history() {
		List<Sample> samples = new ArrayList<>(this.historyCounts.length);
		for (int i = 0; i < this.historyCounts.length; i++) {
			samples.add(new Sample(this.historyTimes[i], this.historyCounts[i]));
		}
		return samples;
	}

	/**
	 * One sampled pending count.
	 *
	 * @param timeMillis when it was taken, in epoch milliseconds
	 * @param pending the count
	 */
	public record Sample(long timeMillis, long pending) {

	}

}
