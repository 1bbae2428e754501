package dev.timerwatch.retention;

import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;
import dev.timerwatch.fixtures.TaskSchedulers;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
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

	@Test
	void aSimpleAsyncTaskSchedulerDroppedWhileATaskRunsStaysReportedUntilTheRunEnds() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000);
		SchedulerTracking tracking = new SchedulerTracking(() -> registry);
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		WeakReference<Object> dropped = submitAndDrop(tracking, running, release);
		try {
			assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (dropped.get() != null && System.nanoTime() < deadline) {
				System.gc();
				Thread.sleep(20);
			}
			assertThat(dropped.get()).as("the dropped scheduler").isNull();
			for (int epoch = 0; epoch < 3; epoch++) {
				clock.addAndGet(1_000);
				registry.advance();
			}
			assertThat(registry.schedulers()).as("trackers while a run goes on").hasSize(1);
			assertThat(registry.origins()).extracting(OriginStats::running).containsExactly(1L);
		}
		finally {
			release.countDown();
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!registry.schedulers().isEmpty() && System.nanoTime() < deadline) {
			clock.addAndGet(1_000);
			registry.advance();
			Thread.sleep(20);
		}
		assertThat(registry.schedulers()).as("trackers once the run has ended").isEmpty();
	}

	private static WeakReference<Object> submitAndDrop(SchedulerTracking tracking, CountDownLatch running,
			CountDownLatch release) {
		SimpleAsyncTaskScheduler tracked = tracking.track(new SimpleAsyncTaskScheduler(), "per-call");
		tracked.submit(() -> {
			running.countDown();
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		return new WeakReference<>(tracked);
	}

	static void noop() {
	}

}
