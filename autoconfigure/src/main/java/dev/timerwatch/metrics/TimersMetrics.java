package dev.timerwatch.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.misuse.MisuseDetector;
import dev.timerwatch.misuse.MisuseType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Publishes tracked schedulers and origins as Micrometer meters: pending tasks and task
 * counts per origin, retained cancelled tasks per scheduler, and the lag and duration of
 * every run.
 *
 * <p>Origins appear while the application runs, so meters are bound by {@link #refresh()}
 * (after every health sample) rather than once; a scheduler's meters are removed once it has
 * shut down. The {@code origin} tag is bounded: past {@code maxOrigins} per scheduler, later
 * origins share {@code origin="other"}.
 */
public class TimersMetrics implements MeterBinder, TaskObserver {

	static final String OTHER = "other";

	private final TimerRegistry registry;

	private final int maxOrigins;

	private final Map<SchedulerTracker, SchedulerMeters> schedulers = new ConcurrentHashMap<>();

	private final @Nullable MisuseDetector misuses;

	private volatile @Nullable MeterRegistry meterRegistry;

	public TimersMetrics(TimerRegistry registry, int maxOrigins, @Nullable MisuseDetector misuses) {
		this.registry = registry;
		this.maxOrigins = maxOrigins;
		this.misuses = misuses;
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		this.meterRegistry = meterRegistry;
		MisuseDetector misuses = this.misuses;
		if (misuses != null) {
			for (MisuseType type : MisuseType.values()) {
				// Read from the detector, so findings made before binding (at startup) count too.
				FunctionCounter.builder("timers.misuse", misuses, (detector) -> detector.count(type))
					.tag("type", type.tag())
					.description("Scheduling misuse findings, each origin and type counted once")
					.baseUnit("findings")
					.register(meterRegistry);
			}
		}
		refresh();
	}

	/**
	 * Bind meters for schedulers and origins that appeared, and remove those of schedulers
	 * that shut down.
	 */
	public synchronized void refresh() {
		MeterRegistry meterRegistry = this.meterRegistry;
		if (meterRegistry == null) {
			return;
		}
		List<SchedulerTracker> live = new ArrayList<>(this.registry.schedulers());
		for (SchedulerTracker scheduler : live) {
			this.schedulers.computeIfAbsent(scheduler, (key) -> new SchedulerMeters(key, meterRegistry)).bindOrigins();
		}
		this.schedulers.entrySet().removeIf((entry) -> {
			if (live.contains(entry.getKey())) {
				return false;
			}
			entry.getValue().remove();
			return true;
		});
	}

	@Override
	public void runStarted(OriginStats origin, long lagNanos) {
		if (lagNanos >= 0) {
			RunTimers timers = runTimers(origin);
			if (timers != null) {
				timers.lag.record(Duration.ofNanos(lagNanos));
			}
		}
	}

	@Override
	public void runFinished(OriginStats origin, long durationNanos, @Nullable Throwable failure) {
		RunTimers timers = runTimers(origin);
		if (timers != null) {
			timers.execution.record(Duration.ofNanos(durationNanos));
		}
	}

	private @Nullable RunTimers runTimers(OriginStats origin) {
		SchedulerMeters scheduler = this.schedulers.get(origin.scheduler());
		return (scheduler != null) ? scheduler.runTimers(origin) : null;
	}

	private final class SchedulerMeters {

		private final SchedulerTracker scheduler;

		private final MeterRegistry meterRegistry;

		private final List<Meter> meters = new CopyOnWriteArrayList<>();

		private final Map<OriginStats, String> originTags = new ConcurrentHashMap<>();

		private final Map<String, RunTimers> runTimers = new ConcurrentHashMap<>();

		private final List<OriginStats> folded = new CopyOnWriteArrayList<>();

		private int tagged;

		SchedulerMeters(SchedulerTracker scheduler, MeterRegistry meterRegistry) {
			this.scheduler = scheduler;
			this.meterRegistry = meterRegistry;
			this.meters.add(Gauge.builder("timers.retained.cancelled", scheduler, (tracker) -> {
				long retained = tracker.probe().retainedCancelled();
				return (retained >= 0) ? retained : Double.NaN;
			})
				.tags("scheduler", scheduler.name())
				.description("Cancelled tasks the scheduler keeps queued until their delay expires")
				.baseUnit("tasks")
				.register(meterRegistry));
		}

		synchronized void bindOrigins() {
			for (OriginStats origin : this.scheduler.origins()) {
				tagFor(origin);
			}
		}

		synchronized String tagFor(OriginStats origin) {
			String tag = this.originTags.get(origin);
			if (tag != null) {
				return tag;
			}
			if (this.tagged < TimersMetrics.this.maxOrigins) {
				this.tagged++;
				tag = origin.origin().describe();
				bindOriginMeters(tag, origin, OriginStats::pending, OriginStats::scheduled, OriginStats::completed,
						OriginStats::cancelled, OriginStats::failed);
			}
			else {
				tag = OTHER;
				if (this.folded.isEmpty()) {
					bindOriginMeters(OTHER, this.folded, sum(OriginStats::pending), sum(OriginStats::scheduled),
							sum(OriginStats::completed), sum(OriginStats::cancelled), sum(OriginStats::failed));
				}
				this.folded.add(origin);
			}
			this.originTags.put(origin, tag);
			return tag;
		}

		private <T> void bindOriginMeters(String originTag, T state, ToDoubleFunction<T> pending,
				ToDoubleFunction<T> scheduled, ToDoubleFunction<T> completed, ToDoubleFunction<T> cancelled,
				ToDoubleFunction<T> failed) {
			Tags tags = Tags.of("scheduler", this.scheduler.name(), "origin", originTag);
			this.meters.add(Gauge.builder("timers.pending", state, pending)
				.tags(tags)
				.description("Tasks waiting for their next run")
				.baseUnit("tasks")
				.strongReference(true)
				.register(this.meterRegistry));
			this.meters.add(counter("timers.scheduled", state, scheduled, tags, "Tasks scheduled"));
			this.meters.add(counter("timers.completed", state, completed, tags, "One-shot tasks that ran to completion"));
			this.meters.add(counter("timers.cancelled", state, cancelled, tags,
					"Tasks cancelled, or removed from their scheduler without running"));
			this.meters.add(counter("timers.failed", state, failed, tags, "Tasks that threw and will not run again"));
		}

		private <T> FunctionCounter counter(String name, T state, ToDoubleFunction<T> count, Tags tags,
				String description) {
			return FunctionCounter.builder(name, state, count)
				.tags(tags)
				.description(description)
				.baseUnit("tasks")
				.register(this.meterRegistry);
		}

		@Nullable RunTimers runTimers(OriginStats origin) {
			String tag = tagFor(origin);
			return this.runTimers.computeIfAbsent(tag, (key) -> {
				Tags tags = Tags.of("scheduler", this.scheduler.name(), "origin", key);
				RunTimers timers = new RunTimers(
						Timer.builder("timers.lag")
							.tags(tags)
							.description("How late runs start against their planned time")
							.register(this.meterRegistry),
						Timer.builder("timers.execution")
							.tags(tags)
							.description("How long runs take")
							.register(this.meterRegistry));
				this.meters.add(timers.lag);
				this.meters.add(timers.execution);
				return timers;
			});
		}

		void remove() {
			this.meters.forEach(this.meterRegistry::remove);
			this.meters.clear();
		}

	}

	private static ToDoubleFunction<List<OriginStats>> sum(java.util.function.ToLongFunction<OriginStats> figure) {
		return (origins) -> origins.stream().mapToLong(figure).sum();
	}

	private record RunTimers(Timer lag, Timer execution) {
	}

}
