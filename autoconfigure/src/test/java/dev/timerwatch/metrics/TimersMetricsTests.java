package dev.timerwatch.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.timerwatch.health.TimersHealthIndicator;
import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakDetector;
import dev.timerwatch.trend.OriginVerdict;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TimersMetrics}.
 */
class TimersMetricsTests {

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get, 1_000,
			100, 3);

	private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();

	private final TimersMetrics metrics = new TimersMetrics(this.registry, 50, null);

	@Test
	void runsAreTimedPerOrigin() {
		this.registry.setObserver(this.metrics);
		this.metrics.bindTo(this.meterRegistry);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, this.registry,
				"jobs");
		try {
			executor.scheduleAtFixedRate(() -> { }, 0, 5, TimeUnit.MILLISECONDS);
			this.metrics.refresh();
			await().untilAsserted(() -> assertThat(this.meterRegistry.find("timers.execution")
				.tag("scheduler", "jobs")
				.timer()).isNotNull().satisfies((timer) -> assertThat(timer.count()).isGreaterThanOrEqualTo(3)));
			assertThat(this.meterRegistry.find("timers.lag").tag("scheduler", "jobs").timer().count()).isPositive();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void everyMeterRegistryItIsBoundToGetsEveryMeterAndEveryRun() throws Exception {
		SimpleMeterRegistry second = new SimpleMeterRegistry();
		this.registry.setObserver(this.metrics);
		this.metrics.bindTo(this.meterRegistry);
		this.metrics.bindTo(second);
		// Bound twice to the same registry, as a context refreshed twice would: nothing doubles.
		this.metrics.bindTo(second);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, this.registry,
				"jobs");
		try {
			// The scheduler's meters exist before its first run, which binds its origin's.
			this.metrics.refresh();
			scheduleAnHourOut(executor);
			CountDownLatch ran = new CountDownLatch(1);
			executor.schedule(ran::countDown, 0, TimeUnit.MILLISECONDS);
			assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
			this.metrics.refresh();
			for (SimpleMeterRegistry each : List.of(this.meterRegistry, second)) {
				await().untilAsserted(() -> assertThat(each.find("timers.execution").tag("scheduler", "jobs").timers())
					.as("run timers")
					.extracting(Timer::count)
					.containsExactlyInAnyOrder(0L, 1L));
				assertThat(each.find("timers.lag").tag("scheduler", "jobs").timers()).extracting(Timer::count)
					.containsExactlyInAnyOrder(0L, 1L);
				assertThat(each.find("timers.pending").tag("scheduler", "jobs").gauges()).extracting(Gauge::value)
					.containsExactlyInAnyOrder(0.0, 1.0);
				assertThat(each.find("timers.retained.cancelled").tag("scheduler", "jobs").gauge()).isNotNull();
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		this.registry.advance();
		this.metrics.refresh();
		for (SimpleMeterRegistry each : List.of(this.meterRegistry, second)) {
			assertThat(each.find("timers.pending").tag("scheduler", "jobs").gauges()).isEmpty();
			assertThat(each.find("timers.execution").tag("scheduler", "jobs").timers()).isEmpty();
		}
	}

	@Test
	void aSchedulerThatCannotCountItsRetainedTasksHasNoGaugeOfThem() {
		this.registry.setObserver(this.metrics);
		this.metrics.bindTo(this.meterRegistry);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, this.registry,
				"jobs");
		// An interface-decorated executor cannot see its queue: its retained tasks are unknown.
		TrackingScheduledExecutorService decorated = new TrackingScheduledExecutorService(
				Executors.newSingleThreadScheduledExecutor(), this.registry, "audit");
		try {
			scheduleAnHourOut(executor);
			decorated.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
			this.metrics.refresh();
			assertThat(this.meterRegistry.find("timers.retained.cancelled").gauges()).extracting(Gauge::getId)
				.extracting((id) -> id.getTag("scheduler"))
				.containsExactly("jobs");
			// What /actuator/metrics and a sum over schedulers read: a number, not NaN.
			assertThat(this.meterRegistry.find("timers.retained.cancelled").gauges().stream().mapToDouble(Gauge::value).sum())
				.isZero();
		}
		finally {
			executor.shutdownNow();
			decorated.shutdownNow();
		}
	}

	@Test
	void theMetersOfAnOriginTheRegistryDropsAsIdleAreRemoved() {
		this.registry.setObserver(this.metrics);
		this.metrics.bindTo(this.meterRegistry);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, this.registry,
				"timeouts");
		try {
			executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
			executor.purge();
			this.metrics.refresh();
			assertThat(this.meterRegistry.find("timers.cancelled").tag("scheduler", "timeouts").functionCounter())
				.isNotNull()
				.satisfies((counter) -> assertThat(counter.count()).isEqualTo(1));
			for (int i = 0; i < 4; i++) {
				this.clock.addAndGet(1_000);
				this.registry.advance();
			}
			this.metrics.refresh();
			assertThat(this.registry.origins()).isEmpty();
			assertThat(this.meterRegistry.find("timers.cancelled").tag("scheduler", "timeouts").functionCounter())
				.isNull();
			assertThat(this.meterRegistry.find("timers.pending").tag("scheduler", "timeouts").gauge()).isNull();
			assertThat(this.meterRegistry.find("timers.retained.cancelled").tag("scheduler", "timeouts").gauge())
				.isNotNull();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aSchedulerThatTakesTheNameOfOneThatShutDownHasMetersOfItsOwn() throws Exception {
		this.registry.setObserver(this.metrics);
		this.metrics.bindTo(this.meterRegistry);
		TrackingScheduledThreadPoolExecutor first = new TrackingScheduledThreadPoolExecutor(1, this.registry, "jobs");
		scheduleAnHourOut(first);
		this.metrics.refresh();
		assertThat(pendingOf("jobs")).isEqualTo(1);
		first.shutdownNow();
		assertThat(first.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		TrackingScheduledThreadPoolExecutor second = new TrackingScheduledThreadPoolExecutor(1, this.registry, "jobs");
		try {
			scheduleAnHourOut(second);
			scheduleAnHourOut(second);
			this.metrics.refresh();
			assertThat(pendingOf("jobs")).isEqualTo(2);
			assertThat(this.meterRegistry.find("timers.retained.cancelled").tag("scheduler", "jobs").gauge())
				.isNotNull();
		}
		finally {
			second.shutdownNow();
		}
	}

	@Test
	void anOriginMadeAgainAfterItWasDroppedAsIdleHasMetersOfItsOwn() {
		this.registry.setObserver(this.metrics);
		this.metrics.bindTo(this.meterRegistry);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, this.registry,
				"timeouts");
		try {
			scheduleAnHourOut(executor).cancel(false);
			executor.purge();
			this.metrics.refresh();
			for (int i = 0; i < 4; i++) {
				this.clock.addAndGet(1_000);
				this.registry.advance();
			}
			// Dropped as idle, then made again by the same line before the next sample.
			assertThat(this.registry.origins()).isEmpty();
			scheduleAnHourOut(executor);
			this.metrics.refresh();
			assertThat(pendingOf("timeouts")).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private double pendingOf(String scheduler) {
		Gauge pending = this.meterRegistry.find("timers.pending").tag("scheduler", scheduler).gauge();
		assertThat(pending).as("timers.pending of %s", scheduler).isNotNull();
		return pending.value();
	}

	private static ScheduledFuture<?> scheduleAnHourOut(TrackingScheduledThreadPoolExecutor executor) {
		return executor.schedule(TimersMetricsTests::noop, 1, TimeUnit.HOURS);
	}

	private static void noop() {
	}

	@Test
	void theCountersOfOriginsFoldedAsOtherNeverGoDownWhenOneOfThemIsDropped() {
		TimersMetrics foldingAll = new TimersMetrics(this.registry, 0, null);
		this.registry.setObserver(foldingAll);
		foldingAll.bindTo(this.meterRegistry);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, this.registry,
				"timeouts");
		try {
			cancelledTimeout(executor);
			pendingTimeout(executor);
			executor.purge();
			foldingAll.refresh();
			assertThat(this.registry.origins()).hasSize(2);
			assertThat(otherCount("timers.scheduled")).isEqualTo(2);
			assertThat(otherCount("timers.cancelled")).isEqualTo(1);
			for (int i = 0; i < 4; i++) {
				this.clock.addAndGet(1_000);
				this.registry.advance();
			}
			foldingAll.refresh();
			assertThat(this.registry.origins()).hasSize(1);
			assertThat(otherCount("timers.scheduled")).isEqualTo(2);
			assertThat(otherCount("timers.cancelled")).isEqualTo(1);
			assertThat(this.meterRegistry.get("timers.pending").tag("origin", "other").gauge().value()).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void cancelledTimeout(TrackingScheduledThreadPoolExecutor executor) {
		executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
	}

	private static void pendingTimeout(TrackingScheduledThreadPoolExecutor executor) {
		executor.schedule(() -> { }, 1, TimeUnit.HOURS);
	}

	private double otherCount(String name) {
		return this.meterRegistry.get(name).tag("scheduler", "timeouts").tag("origin", "other").functionCounter().count();
	}

	@Test
	void anOriginsLeakingGaugeIsOneExactlyWhileTheDetectorJudgesItLeaking() {
		LeakDetector detector = detectorOnTwentySecondWindows();
		TimersMetrics metrics = new TimersMetrics(this.registry, 50, null, detector, null);
		metrics.bindTo(this.meterRegistry);
		SchedulerTracker scheduler = this.registry.register("sessions", "Test");
		TaskOrigin leaky = TaskOrigin.callSite("com.example.Sessions", "open", "Sessions.java", 42);
		TaskOrigin steady = TaskOrigin.callSite("com.example.Reports", "start", "Reports.java", 7);
		scheduler.admit(steady, TaskKind.FIXED_RATE);
		boolean sawLeak = false;
		boolean sawLeakEnd = false;
		// A periodic task per session, never cancelled, for two minutes; then no new session.
		for (int second = 0; second < 240; second++) {
			if (second < 120) {
				scheduler.admit(leaky, TaskKind.FIXED_RATE);
			}
			this.clock.addAndGet(1_000);
			detector.sample();
			metrics.refresh();
			boolean judged = judgedLeaking(detector, scheduler, leaky);
			assertThat(leakingOf("sessions", leaky)).as("timers.leaking of the leaky line at %d s", second)
				.isEqualTo(judged ? 1.0 : 0.0);
			assertThat(judgedLeaking(detector, scheduler, steady)).isFalse();
			assertThat(leakingOf("sessions", steady)).as("timers.leaking of the steady line at %d s", second)
				.isZero();
			sawLeak |= judged;
			sawLeakEnd |= sawLeak && !judged;
		}
		assertThat(sawLeak).as("the leak was found").isTrue();
		assertThat(sawLeakEnd).as("the leak ended once it stopped rising").isTrue();
	}

	@Test
	void theLeakingGaugeOfOriginsFoldedAsOtherCountsTheLeakingOnes() {
		LeakDetector detector = detectorOnTwentySecondWindows();
		TimersMetrics foldingAll = new TimersMetrics(this.registry, 0, null, detector, null);
		foldingAll.bindTo(this.meterRegistry);
		SchedulerTracker scheduler = this.registry.register("sessions", "Test");
		List<TaskOrigin> leaky = List.of(TaskOrigin.callSite("com.example.Sessions", "open", "Sessions.java", 42),
				TaskOrigin.callSite("com.example.Sessions", "resume", "Sessions.java", 57));
		scheduler.admit(TaskOrigin.callSite("com.example.Reports", "start", "Reports.java", 7), TaskKind.FIXED_RATE);
		for (int second = 0; second < 120; second++) {
			leaky.forEach((line) -> scheduler.admit(line, TaskKind.FIXED_RATE));
			this.clock.addAndGet(1_000);
			detector.sample();
			foldingAll.refresh();
			long judged = leaky.stream().filter((line) -> judgedLeaking(detector, scheduler, line)).count();
			assertThat(this.meterRegistry.get("timers.leaking").tag("origin", "other").gauge().value())
				.as("timers.leaking of origin=other at %d s", second)
				.isEqualTo(judged);
		}
		assertThat(detector.report().leaking()).hasSize(2);
	}

	@Test
	void aLeakingGaugeFallsToZeroOnceTheVerdictIsStaleAsTheHealthIndicatorThenNamesNoLeak() {
		LeakDetector detector = detectorOnTwentySecondWindows();
		TimersMetrics metrics = new TimersMetrics(this.registry, 50, null, detector, Duration.ofSeconds(1));
		metrics.bindTo(this.meterRegistry);
		TimersHealthIndicator health = new TimersHealthIndicator(this.registry, detector, new Status("LEAKING"), null,
				Duration.ofSeconds(1));
		SchedulerTracker scheduler = this.registry.register("sessions", "Test");
		TaskOrigin leaky = TaskOrigin.callSite("com.example.Sessions", "open", "Sessions.java", 42);
		for (int second = 0; second < 120 && !judgedLeaking(detector, scheduler, leaky); second++) {
			scheduler.admit(leaky, TaskKind.FIXED_RATE);
			this.clock.addAndGet(1_000);
			detector.sample();
			metrics.refresh();
		}
		assertThat(health.health(true).getStatus()).isEqualTo(new Status("LEAKING"));
		assertThat(leakingOf("sessions", leaky)).isEqualTo(1.0);
		// From now on every sample fails (the detector throws): TimersSampler still runs its
		// listeners, so the meters are refreshed and scraped, but the verdict is never renewed.
		for (int second = 0; second < 60; second++) {
			this.clock.addAndGet(1_000);
			metrics.refresh();
		}
		Health stale = health.health(true);
		assertThat(stale.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(stale.getDetails()).doesNotContainKey("leaking");
		assertThat(leakingOf("sessions", leaky)).as("timers.leaking of a verdict the health indicator calls stale")
			.isZero();
	}

	private LeakDetector detectorOnTwentySecondWindows() {
		return new LeakDetector(this.registry, Duration.ofSeconds(1), Duration.ofSeconds(20), 0.5, this.clock::get);
	}

	private static boolean judgedLeaking(LeakDetector detector, SchedulerTracker scheduler, TaskOrigin line) {
		return detector.report()
			.verdicts()
			.stream()
			.filter((verdict) -> verdict.origin().scheduler() == scheduler && verdict.origin().origin().equals(line))
			.anyMatch(OriginVerdict::isLeaking);
	}

	private double leakingOf(String scheduler, TaskOrigin line) {
		Gauge leaking = this.meterRegistry.find("timers.leaking")
			.tag("scheduler", scheduler)
			.tag("origin", line.describe())
			.gauge();
		assertThat(leaking).as("timers.leaking of %s", line.describe()).isNotNull();
		return leaking.value();
	}

}
