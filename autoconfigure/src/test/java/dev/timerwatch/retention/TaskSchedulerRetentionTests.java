package dev.timerwatch.retention;

import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;
import dev.timerwatch.fixtures.TaskSchedulers;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry of a running application keeps nothing of the {@code TaskScheduler}s the
 * application has shut down and dropped: their trackers leave at the next maintenance once
 * they have terminated, and the schedulers, their proxies and their tasks can be collected.
 */
class TaskSchedulerRetentionTests {

	static Stream<Arguments> schedulers() {
		Supplier<TaskScheduler> threadPool = () -> TaskSchedulers.threadPool(1, false);
		return Stream.of(Arguments.of("ThreadPoolTaskScheduler", threadPool),
				Arguments.of("SimpleAsyncTaskScheduler", (Supplier<TaskScheduler>) SimpleAsyncTaskScheduler::new));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void schedulersThatAreShutDownAndDroppedLeaveTheRegistryAndCanBeCollected(String name,
			Supplier<TaskScheduler> factory) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		SchedulerTracking tracking = new SchedulerTracking(() -> registry);
		List<WeakReference<Object>> dropped = new ArrayList<>();
		for (int round = 0; round < 50; round++) {
			TaskScheduler raw = factory.get();
			TaskScheduler tracked = tracking.track(raw, "round-" + round);
			for (int i = 0; i < 2_000; i++) {
				tracked.schedule(TaskSchedulerRetentionTests::noop, Instant.now().plusSeconds(3600));
			}
			TaskSchedulers.close(tracked);
			dropped.add(new WeakReference<>(raw));
			dropped.add(new WeakReference<>(tracked));
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while ((!registry.schedulers().isEmpty() || dropped.stream().anyMatch((reference) -> reference.get() != null))
				&& System.nanoTime() < deadline) {
			// What the health sampler does on its thread.
			registry.advance();
			System.gc();
			Thread.sleep(50);
		}
		assertThat(registry.schedulers()).as("trackers of terminated schedulers").isEmpty();
		assertThat(registry.origins()).isEmpty();
		assertThat(dropped.stream().filter((reference) -> reference.get() != null).count())
			.as("schedulers and proxies still reachable")
			.isZero();
	}

	@Test
	void aSimpleAsyncTaskSchedulerDroppedUnclosedAfterRunningTasksLeavesTheRegistryAndCanBeCollected()
			throws Exception {
		TimerRegistry registry = new TimerRegistry();
		SchedulerTracking tracking = new SchedulerTracking(() -> registry);
		List<WeakReference<Object>> dropped = new ArrayList<>();
		for (int round = 0; round < 3; round++) {
			// Used as an executor only, it has no lasting thread: the raw one can be collected.
			SimpleAsyncTaskScheduler raw = new SimpleAsyncTaskScheduler();
			SimpleAsyncTaskScheduler tracked = tracking.track(raw, "per-call");
			tracked.submit(TaskSchedulerRetentionTests::noop).get(10, TimeUnit.SECONDS);
			tracked.execute(TaskSchedulerRetentionTests::noop);
			dropped.add(new WeakReference<>(raw));
			dropped.add(new WeakReference<>(tracked));
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while ((!registry.schedulers().isEmpty() || dropped.stream().anyMatch((reference) -> reference.get() != null))
				&& System.nanoTime() < deadline) {
			registry.advance();
			System.gc();
			Thread.sleep(50);
		}
		assertThat(dropped.stream().filter((reference) -> reference.get() != null).count())
			.as("schedulers and proxies still reachable")
			.isZero();
		assertThat(registry.schedulers()).as("trackers of dropped schedulers").isEmpty();
	}

	static void noop() {
	}

}
