package dev.timerwatch.trend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;

/**
 * Samples the pending count of every origin at a fixed interval and judges the last window
 * of samples with {@link TrendTest}. An origin is leaking from the first window that grows
 * until a full window has passed without growth.
 */
public final class LeakDetector {

	private final TimerRegistry registry;

	private final LongSupplier clock;

	private final long windowMillis;

	private final double intervalMinutes;

	private final double minGrowthPerMinute;

	private final int windowSamples;

	private final Map<OriginStats, OriginState> states = new HashMap<>();

	private volatile LeakReport report = LeakReport.empty();

	/**
	 * Create a detector.
	 * @param registry the registry to sample
	 * @param interval time between samples
	 * @param window how much history is judged
	 * @param minGrowthPerMinute the smallest growth, in tasks per minute, that counts as a leak
	 * @param clock epoch milliseconds
	 */
	public LeakDetector(TimerRegistry registry, Duration interval, Duration window, double minGrowthPerMinute,
			LongSupplier clock) {
		if (interval.isZero() || interval.isNegative()) {
			throw new IllegalArgumentException("interval must be positive, was " + interval);
		}
		if (window.compareTo(interval.multipliedBy(2)) < 0) {
			throw new IllegalArgumentException("window must hold at least two samples, was " + window);
		}
		this.registry = registry;
		this.clock = clock;
		this.windowMillis = window.toMillis();
		this.intervalMinutes = interval.toMillis() / 60_000.0;
		this.minGrowthPerMinute = minGrowthPerMinute;
		this.windowSamples = (int) (window.toMillis() / interval.toMillis()) + 1;
	}

	/**
	 * Take a sample of every origin and judge it.
	 * @return the origins that started leaking at this sample
	 */
	public synchronized List<OriginVerdict> sample() {
		this.registry.advance();
		long now = this.clock.getAsLong();
		List<OriginStats> origins = this.registry.origins();
		List<OriginVerdict> verdicts = new ArrayList<>(origins.size());
		List<OriginVerdict> newlyLeaking = new ArrayList<>();
		Map<OriginStats, OriginState> live = new HashMap<>();
		long total = 0;
		for (OriginStats origin : origins) {
			OriginState state = this.states.getOrDefault(origin, new OriginState(this.windowSamples));
			live.put(origin, state);
			long pending = origin.pending();
			total += pending;
			OriginVerdict verdict = state.judge(origin, now, pending);
			verdicts.add(verdict);
			if (verdict.isLeaking() && verdict.leakingSinceMillis() == now) {
				newlyLeaking.add(verdict);
			}
		}
		this.states.keySet().retainAll(live.keySet());
		this.states.putAll(live);
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

	private final class OriginState {

		private final PendingHistory history;

		private long leakingSince = -1;

		private long lastGrowing = -1;

		OriginState(int capacity) {
			this.history = new PendingHistory(capacity);
		}

		OriginVerdict judge(OriginStats origin, long now, long pending) {
			this.history.add(now, pending);
			long[] counts = this.history.counts();
			TrendAssessment assessment = this.history.isFull()
					? TrendTest.assess(counts, LeakDetector.this.intervalMinutes, LeakDetector.this.minGrowthPerMinute)
					: new TrendAssessment(Trend.UNKNOWN, 0, 0);
			if (assessment.trend() == Trend.GROWING) {
				this.lastGrowing = now;
				if (this.leakingSince < 0) {
					this.leakingSince = now;
				}
			}
			else if (this.leakingSince >= 0 && now - this.lastGrowing >= LeakDetector.this.windowMillis) {
				this.leakingSince = -1;
			}
			return new OriginVerdict(origin, assessment, this.leakingSince >= 0, this.leakingSince, pending,
					this.history.times(), counts);
		}

	}

}
