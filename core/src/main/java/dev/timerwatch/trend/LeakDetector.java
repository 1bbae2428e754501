package dev.timerwatch.trend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Finds origins whose pending tasks keep outliving every lifetime their healthy tasks have.
 *
 * <p>A count of pending tasks cannot tell a leak from churn: consecutive samples of a queue
 * whose tasks outlive the sampling interval are strongly correlated, a slow random walk
 * looks like growth within any window, and a small leak hides in the noise of a large level.
 * The tracker knows more than the count: when each pending task was created. A leak leaves
 * tasks that outlive every healthy lifetime and keep accumulating; churn, bursts, traffic
 * swings and warm-up do not. An origin's periodic tasks and its other tasks are judged apart,
 * as two lanes ({@link OriginWatch}): a periodic task lives until it is cancelled and a one-shot
 * task at most until it fires, so together the long tail of one lane's lifetimes would hide a
 * leak in the other. So at every sample, per lane of each origin ({@link LaneWatch}):
 * <ol>
 * <li>learn the lane's longest lifetime: the oldest age at which any of its tasks was seen
 * to end (complete, fail or be cancelled), from the creation epochs that lost tasks since
 * the last sample ({@link OriginAges});</li>
 * <li>set its horizon to 1.25 times that lifetime, and at least half a window. Until the
 * lane has been watched for three such lifetimes, and has seen ten times more tasks end
 * than it has pending short of the horizon, that lifetime is not trusted (the first tasks to
 * end are the short-lived ones) and nothing counts as outlived. A lane none of whose tasks
 * has ended yet, a new line that may keep every task, gets a horizon of one window; if it
 * was found leaking so, it is judged so until that leak ends, whatever ends meanwhile;</li>
 * <li>count the pending tasks older than the horizon, the outlived tasks;</li>
 * <li>judge that count with {@link BlockMinima}: it rises when the minimum of each of three
 * consecutive blocks is above the last, by {@value BlockMinima#MIN_RISE} tasks or more and at
 * the minimum growth or faster.</li>
 * </ol>
 * A periodic task is never done, so a leaked periodic task is outlived as soon as it is older
 * than the horizon, and so is a leaked one-shot task whose delay outlives the healthy ones.
 * Tasks that eventually end teach the horizon to grow past them: one healthy task of
 * unusual age costs no alarm, only a later horizon. An origin leaks while either lane does;
 * how long a leak lasts is {@link LeakEpisode}'s call. Each origin is reported once: {@link #sample()} returns it the
 * first time it leaks only.
 *
 * <p>All of it lives in memory, and a restart loses it: the learned lifetimes, how long each
 * lane has been watched, the block minima, which origins were reported. Since the registry
 * restarts too, every pending task is new again. After a restart an origin learns again from
 * its first tasks to end, and a leak shows again once its new tasks outlive the horizon.
 */
public final class LeakDetector {

	private final TimerRegistry registry;

	private final LongSupplier clock;

	private final long windowMillis;

	private final long intervalMillis;

	private final double minGrowthPerMinute;

	private final Map<OriginStats, OriginWatch> watches = new HashMap<>();

	private volatile LeakReport report = LeakReport.empty();

	private volatile long firstAttemptMillis = -1;

	/**
	 * Create a detector.
	 * @param registry the registry to sample
	 * @param interval time between samples, at least 1 ms
	 * @param window the horizon of an origin none of whose tasks has ended yet (at least half
	 * of it for the others), and how long a leak's outlived count must make no new high for
	 * the leak to end; the shortest block of history compared is an eighth of it. At least two
	 * intervals, and fewer than {@link Integer#MAX_VALUE} of them
	 * @param minGrowthPerMinute the slowest rise of the outlived count, in tasks per minute,
	 * that counts as a leak: positive and finite
	 * @param clock epoch milliseconds
	 * @throws IllegalArgumentException if an argument is out of those bounds, naming it
	 */
	public LeakDetector(TimerRegistry registry, Duration interval, Duration window, double minGrowthPerMinute,
			LongSupplier clock) {
		// Ages and times are counted in milliseconds: a shorter interval would be 0 of them.
		if (interval.compareTo(Duration.ofMillis(1)) < 0) {
			throw new IllegalArgumentException("interval must be at least 1 ms, was " + interval);
		}
		if (window.compareTo(interval.multipliedBy(2)) < 0) {
			throw new IllegalArgumentException("window must hold at least two samples, was " + window);
		}
		// Each lane keeps a window's samples in arrays, one slot more than the window holds.
		if (window.toMillis() / interval.toMillis() >= Integer.MAX_VALUE) {
			throw new IllegalArgumentException("window must hold fewer than " + Integer.MAX_VALUE + " samples of "
					+ interval + ", was " + window);
		}
		if (!(minGrowthPerMinute > 0) || Double.isInfinite(minGrowthPerMinute)) {
			throw new IllegalArgumentException(
					"minGrowthPerMinute must be a positive finite number, was " + minGrowthPerMinute);
		}
		this.registry = registry;
		this.clock = clock;
		this.windowMillis = window.toMillis();
		this.intervalMillis = interval.toMillis();
		this.minGrowthPerMinute = minGrowthPerMinute;
	}

	/**
	 * The registry epoch that dates tasks finely enough for a detector with these settings:
	 * a tenth of the window, no finer than the sampling interval (the sampler moves epochs)
	 * and no coarser than ten seconds, which keeps the epochs an origin holds few.
	 * @param interval time between samples
	 * @param window the detector's window
	 * @return the epoch length in milliseconds
	 */
	public static long epochMillisFor(Duration interval, Duration window) {
		return Math.min(10_000, Math.max(interval.toMillis(), window.toMillis() / 10));
	}

	/**
	 * Take a sample of every origin and judge it.
	 * @return the origins whose leak began at this sample (a leak that ended and came back
	 * begins again)
	 */
	public synchronized List<OriginVerdict> sample() {
		if (this.firstAttemptMillis < 0) {
			// Before any work that may fail: a sampler failing from its first sample is seen.
			this.firstAttemptMillis = this.clock.getAsLong();
		}
		this.registry.advance();
		long now = this.clock.getAsLong();
		List<OriginStats> origins = this.registry.origins();
		List<OriginVerdict> verdicts = new ArrayList<>(origins.size());
		List<OriginVerdict> newlyLeaking = new ArrayList<>();
		Map<OriginStats, OriginWatch> live = new HashMap<>();
		long total = 0;
		for (OriginStats origin : origins) {
			OriginWatch watch = this.watches.get(origin);
			if (watch == null) {
				watch = new OriginWatch(this.windowMillis, this.intervalMillis, this.minGrowthPerMinute);
			}
			live.put(origin, watch);
			OriginVerdict verdict = watch.judge(origin, now);
			total += verdict.pending();
			verdicts.add(verdict);
			if (watch.reportsNewLeak(verdict)) {
				newlyLeaking.add(verdict);
			}
		}
		// Forget origins that are gone, with all they taught.
		this.watches.keySet().retainAll(live.keySet());
		this.watches.putAll(live);
		this.report = new LeakReport(now, verdicts, total);
		return newlyLeaking;
	}

	/**
	 * The last sample's findings.
	 * @return the report
	 */
	public LeakReport report() {
		return this.report;
	}

	/**
	 * When {@link #sample()} was first called, whether it succeeded or not.
	 * @return epoch milliseconds by the detector's clock, or -1 before the first call
	 */
	public long firstSampleAttemptMillis() {
		return this.firstAttemptMillis;
	}

	/**
	 * How old a verdict may be before its readers call it stale: the sampler fails (its log
	 * says why) or has stopped, and a verdict that may no longer hold is told as none. Three
	 * sampling intervals, and at least 30 seconds.
	 * @param sampleInterval how often the detector samples, or {@code null} for readers that
	 * never call a verdict stale
	 * @return milliseconds, {@link Long#MAX_VALUE} for never
	 */
	public static long staleAfterMillis(@Nullable Duration sampleInterval) {
		return (sampleInterval != null) ? Math.max(3 * sampleInterval.toMillis(), 30_000) : Long.MAX_VALUE;
	}

	/**
	 * How long ago the last verdict was made: since the last sample, or since the first
	 * attempt while none has succeeded, so that a sampler failing from its first sample is as
	 * stale as one that fails later.
	 * @return milliseconds by the detector's clock, or -1 before the first attempt
	 */
	public long verdictAgeMillis() {
		long sampledAt = (this.report.sampledAtMillis() >= 0) ? this.report.sampledAtMillis()
				: this.firstAttemptMillis;
		return (sampledAt >= 0) ? this.clock.getAsLong() - sampledAt : -1;
	}

	/**
	 * The detector's clock, which dates its reports.
	 * @return epoch milliseconds
	 */
	public long currentTimeMillis() {
		return this.clock.getAsLong();
	}

}
