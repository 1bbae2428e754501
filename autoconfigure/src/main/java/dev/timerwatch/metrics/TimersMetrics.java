package dev.timerwatch.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.metrics.SchedulerMeters.OriginMeters;
import dev.timerwatch.metrics.SchedulerMeters.RunTimers;
import dev.timerwatch.misuse.MisuseDetector;
import dev.timerwatch.misuse.MisuseType;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakDetector;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Publishes tracked schedulers and origins as Micrometer meters: pending tasks, task counts
 * and the leak detector's verdict per origin, retained cancelled tasks per scheduler, and the
 * lag and duration of every run.
 *
 * <p>The verdict ({@code timers.leaking}) is the detector's, read from its last sample, so
 * that an alert rule on it fires exactly when the {@code timers} health indicator is
 * {@code LEAKING} for that origin: a rule on the pending count alone would have to judge a
 * leak from a level that cannot tell one from churn.
 *
 * <p>Origins appear while the application runs, so meters are bound by {@link #refresh()}
 * (after every health sample) rather than once; a scheduler's meters are removed once it has
 * shut down, and an origin's once the registry drops it as idle. The {@code origin} tag is
 * bounded: past {@code maxOrigins} per scheduler, later origins share {@code origin="other"}.
 *
 * <p>Bound to several meter registries (Spring Boot binds each registry when there is no
 * composite one), every registry gets every meter.
 */
public class TimersMetrics implements MeterBinder, TaskObserver {

	private final TimerRegistry registry;

	private final int maxOrigins;

	private final @Nullable MisuseDetector misuses;

	private final @Nullable LeakDetector leaks;

	// How old a verdict may be before it is no longer news, as the health indicator has it.
	private final long staleAfterMillis;

	// Read on every run, so an array: no iterator, and one element in the usual case.
	private volatile RegistryMeters[] bound = new RegistryMeters[0];

	/**
	 * Create meters with no leak verdicts.
	 * @param registry the tracked schedulers
	 * @param maxOrigins how many origins per scheduler get an {@code origin} tag of their own
	 * @param misuses the misuse findings to count, or {@code null}
	 */
	public TimersMetrics(TimerRegistry registry, int maxOrigins, @Nullable MisuseDetector misuses) {
		this(registry, maxOrigins, misuses, null, null);
	}

	/**
	 * Create meters whose leak verdicts go stale as the {@code timers} health indicator's do.
	 * @param registry the tracked schedulers
	 * @param maxOrigins how many origins per scheduler get an {@code origin} tag of their own
	 * @param misuses the misuse findings to count, or {@code null}
	 * @param leaks the detector whose verdicts {@code timers.leaking} publishes, or
	 * {@code null} for no such gauge
	 * @param sampleInterval how often the detector samples, or {@code null}: a verdict older
	 * than three intervals (and at least 30 seconds) is stale, since the sampler fails or has
	 * stopped, and {@code timers.leaking} then reads 0, as the health indicator, which is
	 * UNKNOWN then, names no leak
	 */
	public TimersMetrics(TimerRegistry registry, int maxOrigins, @Nullable MisuseDetector misuses,
			@Nullable LeakDetector leaks, @Nullable Duration sampleInterval) {
		this.registry = registry;
		this.maxOrigins = maxOrigins;
		this.misuses = misuses;
		this.leaks = leaks;
		this.staleAfterMillis = LeakDetector.staleAfterMillis(sampleInterval);
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		synchronized (this) {
			for (RegistryMeters each : this.bound) {
				if (each.meterRegistry == meterRegistry) {
					return;
				}
			}
			RegistryMeters[] grown = Arrays.copyOf(this.bound, this.bound.length + 1);
			grown[this.bound.length] = new RegistryMeters(meterRegistry);
			this.bound = grown;
		}
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
	 * that shut down, in every meter registry bound.
	 */
	public synchronized void refresh() {
		RegistryMeters[] bound = this.bound;
		if (bound.length == 0) {
			return;
		}
		List<SchedulerTracker> live = new ArrayList<>(this.registry.schedulers());
		for (RegistryMeters each : bound) {
			each.refresh(live);
		}
	}

	@Override
	public void runStarted(OriginStats origin, long lagNanos) {
		if (lagNanos >= 0) {
			for (RegistryMeters each : this.bound) {
				RunTimers timers = each.runTimers(origin);
				if (timers != null) {
					timers.lag().record(lagNanos, TimeUnit.NANOSECONDS);
				}
			}
		}
	}

	@Override
	public void runFinished(OriginStats origin, long durationNanos, @Nullable Throwable failure) {
		for (RegistryMeters each : this.bound) {
			RunTimers timers = each.runTimers(origin);
			if (timers != null) {
				timers.execution().record(durationNanos, TimeUnit.NANOSECONDS);
			}
		}
	}

	/**
	 * The meters of every scheduler in one meter registry.
	 */
	private final class RegistryMeters {

		private final MeterRegistry meterRegistry;

		private final Map<SchedulerTracker, SchedulerMeters> schedulers = new ConcurrentHashMap<>();

		RegistryMeters(MeterRegistry meterRegistry) {
			this.meterRegistry = meterRegistry;
		}

		void refresh(List<SchedulerTracker> live) {
			// Removed before any is bound: a scheduler that took the name of one that shut down
			// has meters of the same names and tags, which Micrometer would hand back, then lose
			// with the old scheduler's.
			this.schedulers.entrySet().removeIf((entry) -> {
				if (live.contains(entry.getKey())) {
					return false;
				}
				entry.getValue().remove();
				return true;
			});
			for (SchedulerTracker scheduler : live) {
				this.schedulers
					.computeIfAbsent(scheduler,
							(key) -> new SchedulerMeters(key, this.meterRegistry, TimersMetrics.this.maxOrigins,
									TimersMetrics.this.leaks, TimersMetrics.this.staleAfterMillis, this))
					.bindOrigins();
			}
		}

		// Found on the origin itself: no map lookup and no lock on the run path once bound.
		@Nullable RunTimers runTimers(OriginStats origin) {
			OriginMeters meters = origin.attachment(this, this::bindOnFirstRun);
			return (meters != null) ? meters.runTimers() : null;
		}

		private @Nullable OriginMeters bindOnFirstRun(OriginStats origin) {
			SchedulerMeters scheduler = this.schedulers.get(origin.scheduler());
			return (scheduler != null) ? scheduler.bind(origin) : null;
		}

	}

}
