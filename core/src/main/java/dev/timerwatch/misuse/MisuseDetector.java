package dev.timerwatch.misuse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TimerRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Finds scheduling misuse from what tracking already records: overruns as runs end, the rest
 * at each {@link #check()} (run by the health sampler), so the only cost on a task's thread is
 * one comparison per run. Each finding is reported once per origin and type.
 */
public final class MisuseDetector implements TaskObserver {

	private final TimerRegistry registry;

	private final long hotLoopNanos;

	private final int repeatedFailures;

	private final LongSupplier clock;

	private final Map<String, Misuse> findings = new ConcurrentHashMap<>();

	private volatile Consumer<Misuse> onNewFinding = (misuse) -> {
	};

	/**
	 * Create a detector.
	 * @param registry the registry whose origins to check
	 * @param hotLoopThreshold periods below this are hot loops
	 * @param repeatedFailures how many failed runs in a row are a repeated failure
	 * @param clock epoch milliseconds
	 */
	public MisuseDetector(TimerRegistry registry, Duration hotLoopThreshold, int repeatedFailures, LongSupplier clock) {
		this.registry = registry;
		this.hotLoopNanos = hotLoopThreshold.toNanos();
		this.repeatedFailures = repeatedFailures;
		this.clock = clock;
	}

	/**
	 * Where new findings go (a logger and a meter, in a Spring application).
	 * @param onNewFinding the consumer
	 */
	public void onNewFinding(Consumer<Misuse> onNewFinding) {
		this.onNewFinding = onNewFinding;
	}

	@Override
	public void runFinished(OriginStats origin, long durationNanos, @Nullable Throwable failure) {
		long period = origin.periodNanos();
		if (period > 0 && durationNanos > period) {
			report(MisuseType.OVERRUN, origin, String.format(Locale.ROOT, "a run took %s, longer than its period of %s",
					millis(durationNanos), millis(period)));
		}
	}

	/**
	 * Check every origin for the misuses that are a matter of state, not of one run.
	 */
	public void check() {
		for (OriginStats origin : this.registry.origins()) {
			boolean periodic = origin.kinds().stream().anyMatch(TaskKind::isPeriodic);
			long period = origin.periodNanos();
			if (period > 0 && period < this.hotLoopNanos) {
				report(MisuseType.HOT_LOOP, origin, "runs every " + millis(period) + " (threshold "
						+ millis(this.hotLoopNanos) + ")");
			}
			if (periodic && origin.failed() > 0 && !origin.origin().isScheduledMethod()) {
				report(MisuseType.SILENT_DEATH, origin, origin.failed() + " periodic task(s) stopped for ever after "
						+ "throwing " + origin.lastFailure());
			}
			if (origin.consecutiveFailedRuns() >= this.repeatedFailures) {
				report(MisuseType.REPEATED_FAILURE, origin, origin.consecutiveFailedRuns()
						+ " runs in a row failed, the last with " + origin.lastFailure());
			}
		}
	}

	/**
	 * Record a finding found elsewhere (the scope of a bean, say).
	 * @param misuse the finding
	 */
	public void report(Misuse misuse) {
		String key = misuse.type() + "|" + (misuse.originId().isEmpty() ? misuse.origin() : misuse.originId());
		if (this.findings.putIfAbsent(key, misuse) == null) {
			this.onNewFinding.accept(misuse);
		}
	}

	private void report(MisuseType type, OriginStats origin, String evidence) {
		String key = type + "|" + origin.id();
		if (!this.findings.containsKey(key)) {
			report(new Misuse(type, origin.id(), origin.origin().describe(), origin.schedulerName(), evidence,
					this.clock.getAsLong()));
		}
	}

	/**
	 * How many findings of a type there are.
	 * @param type the type
	 * @return the count
	 */
	public long count(MisuseType type) {
		return this.findings.values().stream().filter((misuse) -> misuse.type() == type).count();
	}

	/**
	 * Every finding so far, oldest first.
	 * @return the findings
	 */
	public List<Misuse> findings() {
		List<Misuse> result = new ArrayList<>(this.findings.values());
		result.sort(Comparator.comparingLong(Misuse::detectedAtMillis).thenComparing(Misuse::origin));
		return result;
	}

	private static String millis(long nanos) {
		return (nanos >= 1_000_000) ? (nanos / 1_000_000) + " ms" : String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
	}

}
