package dev.timerwatch.delays;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.timerwatch.autoconfigure.TimerwatchAutoConfiguration;
import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;
import dev.timerwatch.fixtures.TaskSchedulers;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.OriginStats.EpochCount;
import dev.timerwatch.tracking.OriginStats.Lane;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.tracking.TrackingFailures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * A tracked {@code TaskScheduler} tells its tracker the delay of a task scheduled for an
 * instant, by the scheduler's own clock, so that a task given an hour among its line's
 * 30-second ones is judged in the origin's long-delay lane, on every kind of scheduler bean.
 *
 * <p>In a package of its own: the call site locator skips timerwatch's auto-configuration
 * packages, and these tests must be the call site.
 */
class TaskSchedulerLongDelayLaneTests {

	private static final long EPOCH_MILLIS = 1_000;

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get,
			EPOCH_MILLIS);

	private final List<TaskScheduler> schedulers = new ArrayList<>();

	static Stream<Arguments> schedulers() {
		Supplier<TaskScheduler> threadPool = () -> {
			ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
			scheduler.initialize();
			return scheduler;
		};
		Supplier<TaskScheduler> advised = () -> TaskSchedulers.advised(threadPool.get());
		// A clock a day ahead: a delay read by the system's clock would be a day longer for
		// every task, and an hour would no longer be three times the longest.
		Supplier<TaskScheduler> dayAhead = () -> {
			ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
			scheduler.setClock(Clock.offset(Clock.systemUTC(), Duration.ofDays(1)));
			scheduler.initialize();
			return scheduler;
		};
		return Stream.of(argumentSet("ThreadPoolTaskScheduler", threadPool),
				argumentSet("SimpleAsyncTaskScheduler", (Supplier<TaskScheduler>) SimpleAsyncTaskScheduler::new),
				argumentSet("a user's own AOP proxy", advised),
				argumentSet("a scheduler with a clock of its own", dayAhead));
	}

	@AfterEach
	void shutDown() {
		for (TaskScheduler scheduler : this.schedulers) {
			if (scheduler instanceof ThreadPoolTaskScheduler threadPool) {
				threadPool.shutdown();
			}
			else if (scheduler instanceof SimpleAsyncTaskScheduler simpleAsync) {
				simpleAsync.close();
			}
		}
	}

	@ParameterizedTest
	@MethodSource("schedulers")
	void aTaskScheduledAnHourAheadAmongThirtySecondOnesGoesToTheLongDelayLane(Supplier<TaskScheduler> factory) {
		TaskScheduler scheduler = new SchedulerTracking(() -> this.registry).track(factory.get(), "scheduler");
		this.schedulers.add(scheduler);
		for (int i = 0; i < 5; i++) {
			schedule(scheduler, Duration.ofSeconds(30));
		}
		settle(this.registry, this.clock);
		ScheduledFuture<?> hour = schedule(scheduler, Duration.ofHours(1));
		OriginStats origin = onlyOrigin(this.registry);
		assertThat(origin.longDelayAdmitted()).isEqualTo(1);
		assertThat(pending(origin, Lane.LONG_DELAY)).isEqualTo(1);
		assertThat(pending(origin, Lane.ONE_SHOT)).isEqualTo(5);
		// The longest is 30 s less the time the test took, read in milliseconds.
		assertThat(origin.longDelayOverNanos()).isBetween(Duration.ofSeconds(80).toNanos(),
				Duration.ofSeconds(90).toNanos());
		hour.cancel(false);
		assertThat(pending(origin, Lane.LONG_DELAY)).isZero();
	}

	@Test
	@SuppressWarnings("deprecation")
	void aTaskScheduledForADateTellsItsDelayToo() {
		ThreadPoolTaskScheduler target = new ThreadPoolTaskScheduler();
		target.initialize();
		ThreadPoolTaskScheduler scheduler = new SchedulerTracking(() -> this.registry).track(target, "scheduler");
		this.schedulers.add(scheduler);
		for (int i = 0; i < 5; i++) {
			scheduleAt(scheduler, Duration.ofSeconds(30));
		}
		settle(this.registry, this.clock);
		scheduleAt(scheduler, Duration.ofHours(1));
		assertThat(pending(onlyOrigin(this.registry), Lane.LONG_DELAY)).isEqualTo(1);
	}

	@Test
	void aClockThatFailsLeavesTheDelayUnknownAndTheTaskScheduledAndCounted() throws Exception {
		ThreadPoolTaskScheduler target = new ThreadPoolTaskScheduler();
		target.setClock(new MillisFailingClock());
		target.initialize();
		TaskScheduler scheduler = new SchedulerTracking(() -> this.registry).track(target, "scheduler");
		this.schedulers.add(scheduler);
		long failures = TrackingFailures.count();
		ScheduledFuture<?> future = schedule(scheduler, Duration.ofMillis(1));
		assertThat(future.get(10, TimeUnit.SECONDS)).isNull();
		assertThat(onlyOrigin(this.registry).completed()).isEqualTo(1);
		assertThat(TrackingFailures.count()).isGreaterThan(failures);
	}

	@Test
	void theAutoConfiguredTaskSchedulerBeanTellsTheDelay() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TimerwatchAutoConfiguration.class))
			.withPropertyValues("timerwatch.threads.enabled=false")
			.withBean(TimerRegistry.class, () -> this.registry)
			.withBean("appScheduler", ThreadPoolTaskScheduler.class, ThreadPoolTaskScheduler::new)
			.run((context) -> {
				TaskScheduler scheduler = context.getBean(TaskScheduler.class);
				for (int i = 0; i < 5; i++) {
					schedule(scheduler, Duration.ofSeconds(30));
				}
				settle(this.registry, this.clock);
				schedule(scheduler, Duration.ofHours(1));
				assertThat(pending(onlyOrigin(this.registry), Lane.LONG_DELAY)).isEqualTo(1);
			});
	}

	// One line, so that every task has one origin.
	private static ScheduledFuture<?> schedule(TaskScheduler scheduler, Duration delay) {
		return scheduler.schedule(() -> { }, scheduler.getClock().instant().plus(delay));
	}

	@SuppressWarnings("deprecation")
	private static ScheduledFuture<?> scheduleAt(ThreadPoolTaskScheduler scheduler, Duration delay) {
		return scheduler.schedule(() -> { }, new Date(System.currentTimeMillis() + delay.toMillis()));
	}

	// Let the longest delay stand for the ten epochs it must before longer ones are judged by it.
	private static void settle(TimerRegistry registry, AtomicLong clock) {
		for (int i = 0; i < 10; i++) {
			clock.addAndGet(EPOCH_MILLIS);
			registry.advance();
		}
	}

	private static OriginStats onlyOrigin(TimerRegistry registry) {
		List<OriginStats> origins = registry.origins();
		assertThat(origins).hasSize(1);
		assertThat(origins.get(0).origin().getClassName()).isEqualTo(TaskSchedulerLongDelayLaneTests.class.getName());
		return origins.get(0);
	}

	private static long pending(OriginStats origin, Lane lane) {
		return origin.pendingByEpoch(lane).stream().mapToLong(EpochCount::pending).sum();
	}

	/**
	 * A clock whose instant is the system's, and whose milliseconds fail.
	 */
	static final class MillisFailingClock extends Clock {

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return Instant.now();
		}

		@Override
		public long millis() {
			throw new IllegalStateException("no milliseconds");
		}

	}

}
