package dev.timerwatch.trend;

import java.util.ArrayList;
import java.util.List;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskKind;
import org.jspecify.annotations.Nullable;

/**
 * What the last sample said of one origin, with the figures behind it, so that a person can
 * check the verdict. Immutable, apart from the live {@link OriginStats} it refers to.
 */
public final class OriginVerdict {

	private final OriginStats origin;

	private final Trend trend;

	private final long leakingSinceMillis;

	private final long pending;

	private final long outlived;

	private final long horizonMillis;

	private final long longestLifetimeMillis;

	private final long outlivedRiseInWindow;

	private final double growthPerMinute;

	/** The lane of one-shot tasks given a delay far beyond the others'. */
	static final String LONG_DELAY = "long-delay";

	// "periodic" or "one-shot" when the origin has tasks of more than one lane, LONG_DELAY
	// for the long-delay lane, else null.
	private final @Nullable String lane;

	// The delay over which a one-shot task goes to the long-delay lane, -1 if none yet.
	private final long longDelayOverMillis;

	private final long windowMillis;

	private final long[] historyTimes;

	private final long[] historyCounts;

	OriginVerdict(OriginStats origin, Trend trend, long leakingSinceMillis, long pending, long outlived,
			long horizonMillis, long longestLifetimeMillis, long outlivedRiseInWindow, double growthPerMinute,
			@Nullable String lane, long longDelayOverMillis, long windowMillis, long[] historyTimes,
			long[] historyCounts) {
		this.origin = origin;
		this.trend = trend;
		this.leakingSinceMillis = leakingSinceMillis;
		this.pending = pending;
		this.outlived = outlived;
		this.horizonMillis = horizonMillis;
		this.longestLifetimeMillis = longestLifetimeMillis;
		this.outlivedRiseInWindow = outlivedRiseInWindow;
		this.growthPerMinute = growthPerMinute;
		this.lane = lane;
		this.longDelayOverMillis = longDelayOverMillis;
		this.windowMillis = windowMillis;
		this.historyTimes = historyTimes;
		this.historyCounts = historyCounts;
	}

	public OriginStats origin() {
		return this.origin;
	}

	public Trend trend() {
		return this.trend;
	}

	/**
	 * How fast the outlived count rises, while the origin is leaking.
	 * @return tasks per minute, 0 when not leaking
	 */
	public double growthPerMinute() {
		return this.growthPerMinute;
	}

	/**
	 * Whether the origin is leaking: its outlived count rose and has made a new high since.
	 * @return whether it is leaking
	 */
	public boolean isLeaking() {
		return this.leakingSinceMillis >= 0;
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
	 * Pending tasks older than the horizon: older than any of the origin's tasks has lived.
	 * @return the count, 0 while the horizon is not known
	 */
	public long outlived() {
		return this.outlived;
	}

	/**
	 * The age past which a pending task counts as outlived.
	 * @return milliseconds, or -1 while the origin has not been watched for long enough to
	 * trust the longest lifetime seen
	 */
	public long horizonMillis() {
		return this.horizonMillis;
	}

	/**
	 * The longest lifetime seen among the origin's tasks that ended, to the registry epoch's
	 * resolution.
	 * @return milliseconds, or -1 if none of its tasks has ended yet
	 */
	public long longestLifetimeMillis() {
		return this.longestLifetimeMillis;
	}

	/**
	 * How much the outlived count rose over the last window.
	 * @return tasks, negative if it fell
	 */
	public long outlivedRiseInWindow() {
		return this.outlivedRiseInWindow;
	}

	/**
	 * The figures behind the verdict in one sentence, for example "312 tasks older than
	 * 5 min, +48 in the last 5 min (the longest any task of this origin lived is 3.3 min)".
	 * @return the evidence
	 */
	public String evidence() {
		if (this.horizonMillis < 0) {
			return "learning how long this origin's " + tasks(true) + " live: the longest seen is "
					+ duration(this.longestLifetimeMillis) + ", trusted once watched for "
					+ LaneWatch.TRUST_AFTER_LIFETIMES + " times that and once " + LaneWatch.TRUST_AFTER_ENDED
					+ " times more of them have ended than are pending younger than " + LaneWatch.HORIZON_FACTOR
					+ " times it";
		}
		// An origin of kind THREAD counts live executors, Timers and threads, not tasks.
		boolean threads = this.origin.kinds().contains(TaskKind.THREAD);
		String task = tasks(false);
		String tasks = tasks(true);
		boolean one = this.outlived == 1;
		String things = threads ? (one ? "executor, Timer or thread" : "executors, Timers or threads")
				: (one ? task : tasks);
		String lifetime = (this.longestLifetimeMillis >= 0)
				? (threads ? "the longest any of them lived is "
						: "the longest any " + task + " of this origin lived is ")
						+ duration(this.longestLifetimeMillis)
				: (threads ? "none of them has ended yet" : "none of this origin's " + tasks + " has ended yet");
		// Built by hand: String.format parses its pattern and builds number symbols on every
		// call, which was three quarters of a read of /actuator/timers with 1,000 origins.
		return grouped(this.outlived) + " " + things + " older than " + duration(this.horizonMillis) + ", "
				+ ((this.outlivedRiseInWindow >= 0) ? "+" : "") + grouped(this.outlivedRiseInWindow) + " in the last "
				+ duration(this.windowMillis) + " (" + lifetime + ")";
	}

	// What the lane's tasks are called, for example "periodic tasks", or "one-shot task
	// with a delay over 10 min".
	private String tasks(boolean plural) {
		if (LONG_DELAY.equals(this.lane)) {
			String over = (this.longDelayOverMillis >= 0) ? " " + duration(this.longDelayOverMillis) : " the others'";
			return plural ? "one-shot tasks with delays over" + over : "one-shot task with a delay over" + over;
		}
		String task = (this.lane != null) ? this.lane + " task" : "task";
		return plural ? task + "s" : task;
	}

	static String duration(long millis) {
		if (millis < 1_000) {
			return millis + " ms";
		}
		if (millis < 60_000) {
			return trim(millis / 1_000.0) + " s";
		}
		if (millis < 3_600_000) {
			return trim(millis / 60_000.0) + " min";
		}
		return trim(millis / 3_600_000.0) + " h";
	}

	// One decimal, rounded half up, without a trailing ".0".
	private static String trim(double value) {
		long tenths = Math.round(value * 10);
		long whole = tenths / 10;
		long fraction = tenths % 10;
		return (fraction == 0) ? Long.toString(whole) : whole + "." + fraction;
	}

	// With a comma between groups of three digits, as "%,d" in the root locale.
	static String grouped(long value) {
		String digits = Long.toString(value);
		int sign = (value < 0) ? 1 : 0;
		int length = digits.length() - sign;
		if (length <= 3) {
			return digits;
		}
		StringBuilder text = new StringBuilder(digits.length() + length / 3);
		text.append(digits, 0, sign);
		int first = length % 3;
		if (first > 0) {
			text.append(digits, sign, sign + first);
		}
		for (int i = sign + first; i < digits.length(); i += 3) {
			if (i > sign) {
				text.append(',');
			}
			text.append(digits, i, i + 3);
		}
		return text.toString();
	}

	/**
	 * Whether the outlived count, horizon and lifetimes are those of the origin's periodic
	 * tasks alone, the origin having one-shot tasks too. An origin's periodic tasks and its
	 * other tasks are judged apart (see {@code OriginStats#pendingByEpoch}); the verdict shows
	 * the figures of the one that leaks, or of the one with more pending tasks, and its
	 * evidence names the lane when the origin has both.
	 * @return whether the figures are those of the periodic tasks of an origin of both kinds
	 */
	public boolean periodicTasks() {
		return "periodic".equals(this.lane);
	}

	/**
	 * Whether the outlived count, horizon and lifetimes are those of the origin's one-shot
	 * tasks given a delay far beyond the others' (its long-delay lane, see
	 * {@code OriginStats.Lane#LONG_DELAY}).
	 * @return whether the figures are those of the long-delay lane
	 */
	public boolean longDelayTasks() {
		return LONG_DELAY.equals(this.lane);
	}

	/**
	 * The delay over which a one-shot task of the origin goes to its long-delay lane.
	 * @return milliseconds, or -1 while its delays are not known or not settled
	 */
	public long longDelayOverMillis() {
		return this.longDelayOverMillis;
	}

	/**
	 * The sampled pending counts over the last window, oldest first.
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
