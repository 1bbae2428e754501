package dev.timerwatch.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.trend.LeakDetector;
import dev.timerwatch.trend.LeakReport;
import dev.timerwatch.trend.OriginVerdict;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one scheduler in one meter registry: its retained cancelled tasks, and the
 * counts, leak verdicts and run timers of its origins. Origins come and go (the registry
 * drops idle ones), and so do their meters. Each origin finds its meters as an attachment under this binding's
 * key, so that a scheduler bound to several meter registries records into each.
 */
final class SchedulerMeters {

	static final String OTHER = "other";

	private final SchedulerTracker scheduler;

	private final MeterRegistry meterRegistry;

	private final int maxOrigins;

	// Whose last sample says which origins leak; null: no timers.leaking gauges.
	private final @Nullable LeakDetector detector;

	// A verdict older than this is stale: the sampler fails or has stopped (see TimersMetrics).
	private final long staleAfterMillis;

	// What origins find their meters under: one per meter registry.
	private final Object attachmentKey;

	// Registered once the scheduler's probe first counts its retained tasks: a scheduler that
	// cannot (an interface-decorated executor, whose queue is out of sight, or the threads)
	// gets none, rather than a gauge of NaN, which would make every sum over schedulers NaN.
	private @Nullable Gauge retained;

	private final Map<OriginStats, OriginMeters> bound = new ConcurrentHashMap<>();

	// The bound origin of each line, guarded by this.
	private final Map<TaskOrigin, OriginStats> byLine = new HashMap<>();

	private final List<OriginStats> folded = new CopyOnWriteArrayList<>();

	// What folded origins dropped from the registry had counted: the folded counters add it,
	// so that they never go down (a counter that falls reads as a reset to Prometheus).
	// Guarded by this, as the list's changes are, so that no read sees an origin twice or
	// not at all.
	private long retiredScheduled;

	private long retiredCompleted;

	private long retiredCancelled;

	private long retiredFailed;

	private final List<Meter> foldedMeters = new ArrayList<>();

	private @Nullable RunTimers foldedTimers;

	private int tagged;

	// Guarded by this: once removed, nothing binds here again.
	private boolean removed;

	SchedulerMeters(SchedulerTracker scheduler, MeterRegistry meterRegistry, int maxOrigins,
			@Nullable LeakDetector detector, long staleAfterMillis, Object attachmentKey) {
		this.scheduler = scheduler;
		this.meterRegistry = meterRegistry;
		this.maxOrigins = maxOrigins;
		this.detector = detector;
		this.staleAfterMillis = staleAfterMillis;
		this.attachmentKey = attachmentKey;
	}

	synchronized void bindOrigins() {
		if (this.retained == null && !this.removed && this.scheduler.probe().retainedCancelled() >= 0) {
			this.retained = Gauge.builder("timers.retained.cancelled", this.scheduler, (tracker) -> {
				long retained = tracker.probe().retainedCancelled();
				return (retained >= 0) ? retained : Double.NaN;
			})
				.tags("scheduler", this.scheduler.name())
				.description("Cancelled tasks the scheduler keeps queued until their delay expires")
				.baseUnit("tasks")
				.register(this.meterRegistry);
		}
		Collection<OriginStats> live = this.scheduler.origins();
		// Unbound first, for the reason refresh() removes first.
		Set<OriginStats> gone = new HashSet<>(this.bound.keySet());
		gone.removeAll(live);
		gone.forEach(this::unbind);
		for (OriginStats origin : live) {
			origin.attachment(this.attachmentKey, this::bind);
		}
	}

	synchronized @Nullable OriginMeters bind(OriginStats origin) {
		if (this.removed) {
			// A first run that found these meters just before the scheduler's were removed.
			return null;
		}
		OriginMeters existing = this.bound.get(origin);
		if (existing != null) {
			return existing;
		}
		// An origin dropped as idle and made again since the last sample: the one it
		// replaces (a scheduler holds one origin per line at a time) holds meters of the
		// same tags until it is unbound.
		OriginStats replaced = this.byLine.get(origin.origin());
		if (replaced != null) {
			unbind(replaced);
		}
		OriginMeters meters;
		if (this.tagged < this.maxOrigins) {
			this.tagged++;
			Tags tags = Tags.of("scheduler", this.scheduler.name(), "origin", origin.origin().describe());
			List<Meter> counts = new ArrayList<>(bindCounts(tags, origin, OriginStats::pending,
					OriginStats::scheduled, OriginStats::completedAsCounted, OriginStats::cancelledAsCounted,
					OriginStats::failedAsCounted));
			if (this.detector != null) {
				counts.add(leakingGauge(tags, origin, this::leaking));
			}
			meters = new OriginMeters(false, counts, runTimers(tags));
		}
		else {
			if (this.foldedMeters.isEmpty()) {
				Tags tags = Tags.of("scheduler", this.scheduler.name(), "origin", OTHER);
				this.foldedMeters.addAll(bindCounts(tags, this,
						(scheduler) -> scheduler.folded(OriginStats::pending, (retired) -> 0),
						(scheduler) -> scheduler.folded(OriginStats::scheduled, (retired) -> retired.retiredScheduled),
						(scheduler) -> scheduler.folded(OriginStats::completedAsCounted,
								(retired) -> retired.retiredCompleted),
						(scheduler) -> scheduler.folded(OriginStats::cancelledAsCounted,
								(retired) -> retired.retiredCancelled),
						(scheduler) -> scheduler.folded(OriginStats::failedAsCounted,
								(retired) -> retired.retiredFailed)));
				if (this.detector != null) {
					this.foldedMeters.add(leakingGauge(tags, this,
							(scheduler) -> scheduler.folded(scheduler::leaking, (retired) -> 0)));
				}
				this.foldedTimers = runTimers(tags);
			}
			this.folded.add(origin);
			meters = new OriginMeters(true, List.of(), this.foldedTimers);
		}
		this.bound.put(origin, meters);
		this.byLine.put(origin.origin(), origin);
		return meters;
	}

	// A figure summed over the folded origins, plus what dropped ones had counted; the
	// retired figure is read under the same lock.
	private synchronized long folded(ToLongFunction<OriginStats> figure, ToLongFunction<SchedulerMeters> retired) {
		long sum = retired.applyAsLong(this);
		for (OriginStats origin : this.folded) {
			sum += figure.applyAsLong(origin);
		}
		return sum;
	}

	// 1 if the detector's last sample judged this very origin leaking (one made again since,
	// under the same id, is not judged until the next sample), and that sample is not stale:
	// read, never judged here.
	private long leaking(OriginStats origin) {
		LeakDetector detector = this.detector;
		if (detector == null) {
			return 0;
		}
		LeakReport report = detector.report();
		if (detector.verdictAgeMillis() > this.staleAfterMillis) {
			// No sample for three intervals: the health indicator is UNKNOWN and names no leak.
			return 0;
		}
		OriginVerdict verdict = report.verdict(origin.id());
		return (verdict != null && verdict.origin() == origin && verdict.isLeaking()) ? 1 : 0;
	}

	private <T> Gauge leakingGauge(Tags tags, T state, ToDoubleFunction<T> leaking) {
		return Gauge.builder("timers.leaking", state, leaking)
			.tags(tags)
			.description("Origins the leak detector judges leaking at its last sample, as the timers health "
					+ "indicator does: 1 or 0 per origin, a count for origin=other")
			.strongReference(true)
			.register(this.meterRegistry);
	}

	private void unbind(OriginStats origin) {
		OriginMeters meters = this.bound.remove(origin);
		if (meters == null) {
			return;
		}
		this.byLine.remove(origin.origin(), origin);
		if (meters.folded()) {
			// Dropped when idle, so its counts are final.
			this.retiredScheduled += origin.scheduled();
			this.retiredCompleted += origin.completedAsCounted();
			this.retiredCancelled += origin.cancelledAsCounted();
			this.retiredFailed += origin.failedAsCounted();
			this.folded.remove(origin);
			return;
		}
		this.tagged--;
		meters.counts().forEach(this.meterRegistry::remove);
		this.meterRegistry.remove(meters.runTimers().lag());
		this.meterRegistry.remove(meters.runTimers().execution());
	}

	private <T> List<Meter> bindCounts(Tags tags, T state, ToDoubleFunction<T> pending,
			ToDoubleFunction<T> scheduled, ToDoubleFunction<T> completed, ToDoubleFunction<T> cancelled,
			ToDoubleFunction<T> failed) {
		return List.of(Gauge.builder("timers.pending", state, pending)
			.tags(tags)
			.description("Tasks waiting for their next run")
			.baseUnit("tasks")
			.strongReference(true)
			.register(this.meterRegistry), counter("timers.scheduled", state, scheduled, tags, "Tasks scheduled"),
				counter("timers.completed", state, completed, tags, "One-shot tasks that ran to completion"),
				counter("timers.cancelled", state, cancelled, tags,
						"Tasks cancelled, or removed from their scheduler without running"),
				counter("timers.failed", state, failed, tags, "Tasks that threw and will not run again"));
	}

	private <T> FunctionCounter counter(String name, T state, ToDoubleFunction<T> count, Tags tags,
			String description) {
		return FunctionCounter.builder(name, state, count)
			.tags(tags)
			.description(description)
			.baseUnit("tasks")
			.register(this.meterRegistry);
	}

	private RunTimers runTimers(Tags tags) {
		return new RunTimers(Timer.builder("timers.lag")
			.tags(tags)
			.description("How late runs start against their planned time")
			.register(this.meterRegistry),
				Timer.builder("timers.execution")
					.tags(tags)
					.description("How long runs take")
					.register(this.meterRegistry));
	}

	synchronized void remove() {
		this.removed = true;
		new ArrayList<>(this.bound.keySet()).forEach(this::unbind);
		this.foldedMeters.forEach(this.meterRegistry::remove);
		if (this.foldedTimers != null) {
			this.meterRegistry.remove(this.foldedTimers.lag());
			this.meterRegistry.remove(this.foldedTimers.execution());
		}
		if (this.retained != null) {
			this.meterRegistry.remove(this.retained);
		}
	}


	record OriginMeters(boolean folded, List<Meter> counts, RunTimers runTimers) {
	}

	record RunTimers(Timer lag, Timer execution) {
	}

}
