package dev.timerwatch.delays;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.OriginStats.EpochCount;
import dev.timerwatch.tracking.OriginStats.Lane;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Every executor path that knows a one-shot task's delay tells its tracker, so that a task
 * given an hour among its line's 30-second ones is judged in the origin's long-delay lane:
 * the interface decorator, and the tracking {@code ScheduledThreadPoolExecutor} under both
 * cancellation policies (the default one admits in {@code decorateTask}, which is not given
 * the delay), for runnables and callables alike.
 *
 * <p>In a package of its own: the call site locator skips timerwatch's own scheduling
 * packages, and these tests must be the call site.
 */
class LongDelayLaneTests {

	private static final long EPOCH_MILLIS = 1_000;

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get,
			EPOCH_MILLIS);

	private ScheduledExecutorService executor;

	static Stream<Arguments> paths() {
		Stream<Arguments> shapes = TrackedExecutors.paths()
			.flatMap((path) -> Stream.of(argumentSet(path.getName() + ", runnable", path.get()[0], false),
					argumentSet(path.getName() + ", callable", path.get()[0], true)));
		// Its decorateTask schedules on another tracking executor, on the same thread, before
		// the JDK's task is tracked: the outer task must keep its own delay.
		Function<TimerRegistry, ScheduledExecutorService> nested = SchedulingSubclass::new;
		return Stream.concat(shapes,
				Stream.of(argumentSet("a subclass whose decorateTask schedules, runnable", nested, false),
						argumentSet("a subclass whose decorateTask schedules, callable", nested, true)));
	}

	@AfterEach
	void shutDown() {
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

	@ParameterizedTest
	@MethodSource("paths")
	void aOneShotTaskGivenAnHourAmongThirtySecondOnesGoesToTheLongDelayLane(
			Function<TimerRegistry, ScheduledExecutorService> path, boolean callable) {
		this.executor = path.apply(this.registry);
		for (int i = 0; i < 5; i++) {
			schedule(callable, 30);
		}
		settle();
		// Within three times the longest: it raises the longest, to 80 s.
		schedule(callable, 80);
		schedule(callable, 3_600);
		OriginStats origin = onlyOrigin();
		assertThat(origin.longDelayAdmitted()).isEqualTo(1);
		assertThat(pending(origin, Lane.LONG_DELAY)).isEqualTo(1);
		assertThat(pending(origin, Lane.ONE_SHOT)).isEqualTo(6);
		assertThat(origin.longDelayOverNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(3 * 80));
	}

	@ParameterizedTest
	@MethodSource("paths")
	void aTaskGivenNoDelayNeverGoesToTheLongDelayLane(Function<TimerRegistry, ScheduledExecutorService> path,
			boolean callable) {
		this.executor = path.apply(this.registry);
		for (int i = 0; i < 5; i++) {
			schedule(callable, 0);
		}
		settle();
		schedule(callable, 3_600);
		OriginStats origin = onlyOrigin();
		assertThat(origin.longDelayAdmitted()).isZero();
		assertThat(pending(origin, Lane.LONG_DELAY)).isZero();
		assertThat(origin.longDelayOverNanos()).isEqualTo(-1);
	}

	@ParameterizedTest
	@MethodSource("paths")
	void aCancelledLongDelayTaskLeavesTheLane(Function<TimerRegistry, ScheduledExecutorService> path,
			boolean callable) {
		this.executor = path.apply(this.registry);
		schedule(callable, 30);
		settle();
		ScheduledFuture<?> hour = schedule(callable, 3_600);
		assertThat(pending(onlyOrigin(), Lane.LONG_DELAY)).isEqualTo(1);
		assertThat(hour.cancel(false)).isTrue();
		assertThat(pending(onlyOrigin(), Lane.LONG_DELAY)).isZero();
		assertThat(onlyOrigin().longDelayAdmitted()).isEqualTo(1);
	}

	// One line per shape, so that the tasks of a test have one origin.
	private ScheduledFuture<?> schedule(boolean callable, long seconds) {
		if (callable) {
			return this.executor.schedule(() -> "done", seconds, TimeUnit.SECONDS);
		}
		return this.executor.schedule(() -> { }, seconds, TimeUnit.SECONDS);
	}

	// Let the longest delay stand for the ten epochs it must before longer ones are judged by it.
	private void settle() {
		for (int i = 0; i < 10; i++) {
			this.clock.addAndGet(EPOCH_MILLIS);
			this.registry.advance();
		}
	}

	// The origin of the tasks this test scheduled, not of those a subclass schedules elsewhere.
	// (A subclass that overrides decorateTask is the first frame outside timerwatch and the
	// JDK, so it is its tasks' call site.)
	private OriginStats onlyOrigin() {
		List<OriginStats> origins = this.registry.origins()
			.stream()
			.filter((origin) -> !origin.schedulerName().equals("other"))
			.toList();
		assertThat(origins).hasSize(1);
		return origins.get(0);
	}

	private static long pending(OriginStats origin, Lane lane) {
		return origin.pendingByEpoch(lane).stream().mapToLong(EpochCount::pending).sum();
	}

	/**
	 * A subclass that schedules on another tracking executor from its own decorateTask.
	 */
	static final class SchedulingSubclass extends TrackingScheduledThreadPoolExecutor {

		private final TrackingScheduledThreadPoolExecutor other;

		SchedulingSubclass(TimerRegistry registry) {
			super(1, registry, "subclass");
			this.other = new TrackingScheduledThreadPoolExecutor(1, registry, "other");
		}

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
			this.other.schedule(() -> { }, 1, TimeUnit.SECONDS);
			return super.decorateTask(runnable, task);
		}

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Callable<V> callable, RunnableScheduledFuture<V> task) {
			this.other.schedule(() -> { }, 1, TimeUnit.SECONDS);
			return super.decorateTask(callable, task);
		}

		@Override
		public List<Runnable> shutdownNow() {
			this.other.shutdownNow();
			return super.shutdownNow();
		}

	}

}
