package dev.timerwatch.autoconfigure.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import dev.timerwatch.fixtures.TaskSchedulers;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancellation racing the runs of tasks on Spring's schedulers, thousands of times, through
 * one test body for the raw bean and the tracked one. On both, what the futures say must hold
 * together; on the tracked one, the counts per origin must then equal the futures' own
 * outcomes, with nothing left pending. {@code -Dtimerwatch.race.repetitions} sets the count.
 */
class TaskSchedulerRaceTests {

	private static final int REPETITIONS = Integer.getInteger("timerwatch.race.repetitions", 500) * 4;

	private final List<Runnable> shutdowns = new ArrayList<>();

	private final Queue<String> inconsistencies = new ConcurrentLinkedQueue<>();

	static Stream<Arguments> schedulers() {
		Supplier<TaskScheduler> threadPool = () -> TaskSchedulers.threadPool(2, false);
		Supplier<TaskScheduler> removing = () -> TaskSchedulers.threadPool(2, true);
		return Stream.of(Arguments.of("raw ThreadPoolTaskScheduler", threadPool, false),
				Arguments.of("tracked ThreadPoolTaskScheduler", threadPool, true),
				Arguments.of("raw ThreadPoolTaskScheduler, remove on cancel", removing, false),
				Arguments.of("tracked ThreadPoolTaskScheduler, remove on cancel", removing, true),
				Arguments.of("raw SimpleAsyncTaskScheduler", (Supplier<TaskScheduler>) SimpleAsyncTaskScheduler::new,
						false),
				Arguments.of("tracked SimpleAsyncTaskScheduler",
						(Supplier<TaskScheduler>) SimpleAsyncTaskScheduler::new, true));
	}

	@AfterEach
	void shutdown() {
		this.shutdowns.forEach(Runnable::run);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void cancellingOneShotTasksAsTheyStartLeavesCountsThatMatchTheFutures(String name,
			Supplier<TaskScheduler> factory, boolean tracked) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		TaskScheduler scheduler = create(factory, tracked, registry);
		List<ScheduledFuture<?>> futures = new ArrayList<>();
		AtomicInteger runs = new AtomicInteger();
		List<Thread> cancellers = new ArrayList<>();
		for (int i = 0; i < REPETITIONS; i++) {
			ScheduledFuture<?> future = scheduler.schedule(runs::incrementAndGet, Instant.now());
			futures.add(future);
			if ((i & 1) == 0) {
				spin();
				boolean cancelled = future.cancel(false);
				assertThat(future.isCancelled()).isEqualTo(cancelled);
			}
			else {
				cancellers.add(cancelFromAnotherThread(future));
			}
		}
		for (Thread canceller : cancellers) {
			canceller.join();
		}
		assertThat(this.inconsistencies).isEmpty();
		awaitAllDone(futures);
		long cancelled = futures.stream().filter(ScheduledFuture::isCancelled).count();
		// Every task whose cancellation failed has run (on SimpleAsyncTaskScheduler, a moment
		// after its future is done: the future covers the hand-off to the task's own thread).
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (runs.get() < REPETITIONS - cancelled && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(runs.get()).isGreaterThanOrEqualTo((int) (REPETITIONS - cancelled));
		if (tracked) {
			awaitCounts(registry, REPETITIONS - cancelled, cancelled, 0);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void cancellingPeriodicTasksBetweenRunsEndsEachExactlyOnce(String name, Supplier<TaskScheduler> factory,
			boolean tracked) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		TaskScheduler scheduler = create(factory, tracked, registry);
		int tasks = REPETITIONS / 4;
		List<ScheduledFuture<?>> futures = new ArrayList<>();
		for (int i = 0; i < tasks; i++) {
			ScheduledFuture<?> future = ((i & 1) == 0)
					? scheduler.scheduleAtFixedRate(TaskSchedulerRaceTests::work, Duration.ofNanos(200_000))
					: scheduler.scheduleWithFixedDelay(TaskSchedulerRaceTests::work, Duration.ofNanos(200_000));
			futures.add(future);
		}
		for (ScheduledFuture<?> future : futures) {
			spin();
			assertThat(future.cancel(ThreadLocalRandom.current().nextBoolean())).isTrue();
		}
		awaitAllDone(futures);
		if (tracked) {
			awaitCounts(registry, 0, tasks, 0);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void triggersThatEndOrThrowRacingCancellationEndEachTaskExactlyOnce(String name,
			Supplier<TaskScheduler> factory, boolean tracked) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		TaskScheduler scheduler = create(factory, tracked, registry);
		int tasks = REPETITIONS / 4;
		List<ScheduledFuture<?>> futures = new ArrayList<>();
		List<AtomicBoolean> ended = new ArrayList<>();
		for (int i = 0; i < tasks; i++) {
			int firings = 1 + (i % 3);
			// Half the triggers end by throwing, which ends the task as failed.
			boolean throwing = (i & 1) == 1;
			AtomicInteger asked = new AtomicInteger();
			AtomicBoolean triggerEnded = new AtomicBoolean();
			ended.add(triggerEnded);
			Trigger trigger = (context) -> {
				if (asked.incrementAndGet() > firings) {
					triggerEnded.set(true);
					if (throwing) {
						throw new IllegalStateException("no next run");
					}
					return null;
				}
				return Instant.now();
			};
			futures.add(scheduler.schedule(TaskSchedulerRaceTests::work, trigger));
		}
		List<Boolean> cancelled = new ArrayList<>();
		for (ScheduledFuture<?> future : futures) {
			spin();
			cancelled.add(future.cancel(false));
		}
		// A task whose cancellation failed had ended already, or ends when its trigger says so.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		for (int i = 0; i < tasks; i++) {
			while (!cancelled.get(i) && !ended.get(i).get() && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			assertThat(cancelled.get(i) || ended.get(i).get()).as("task %d cancelled or ended", i).isTrue();
		}
		long cancelledCount = cancelled.stream().filter(Boolean::booleanValue).count();
		long failedCount = 0;
		for (int i = 1; i < tasks; i += 2) {
			failedCount += cancelled.get(i) ? 0 : 1;
		}
		if (tracked) {
			// The future is the truth: a task cancelled just after its trigger ended counts as
			// cancelled, as its future says.
			awaitCounts(registry, tasks - cancelledCount - failedCount, cancelledCount, failedCount);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void triggersThatEndAfterARunThatFailedRacingMaintenanceCompleteEachTaskExactlyOnce(String name,
			Supplier<TaskScheduler> factory, boolean tracked) throws Exception {
		// Every advance() is a maintenance, as if an epoch had passed: it looks at the tasks whose
		// run failed, to settle as failed those whose scheduler stopped them (their future done).
		AtomicLong ticks = new AtomicLong();
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), ticks::incrementAndGet, 1);
		TaskScheduler raw = factory.get();
		this.shutdowns.add(() -> TaskSchedulers.close(raw));
		// Spring logs each failed run; the test has thousands.
		if (raw instanceof ThreadPoolTaskScheduler threadPool) {
			threadPool.setErrorHandler((ex) -> {
			});
		}
		else if (raw instanceof SimpleAsyncTaskScheduler simple) {
			simple.setErrorHandler((ex) -> {
			});
		}
		TaskScheduler scheduler = tracked ? TaskSchedulers.trackedAsABean(raw, registry) : raw;
		AtomicBoolean stop = new AtomicBoolean();
		Thread maintenance = new Thread(() -> {
			while (!stop.get()) {
				registry.advance();
			}
		});
		maintenance.start();
		try {
			int tasks = REPETITIONS / 4;
			List<ScheduledFuture<?>> futures = new ArrayList<>();
			AtomicInteger lastRuns = new AtomicInteger();
			for (int i = 0; i < tasks; i++) {
				int firings = 2 + (i % 2);
				AtomicInteger asked = new AtomicInteger();
				AtomicInteger ran = new AtomicInteger();
				Trigger trigger = (context) -> (asked.incrementAndGet() > firings) ? null : Instant.now();
				// Every run but the last fails; Spring's error handler suppresses it and runs on.
				futures.add(scheduler.schedule(() -> {
					if (ran.incrementAndGet() < firings) {
						throw new IllegalStateException("a run that failed");
					}
					lastRuns.incrementAndGet();
				}, trigger));
			}
			awaitAllDone(futures);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (lastRuns.get() < tasks && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			assertThat(lastRuns.get()).as("last runs").isEqualTo(tasks);
			assertThat(futures).noneMatch(ScheduledFuture::isCancelled);
			if (tracked) {
				// The trigger ended each task, which its scheduler did not stop: completed.
				awaitCounts(registry, tasks, 0, 0);
			}
		}
		finally {
			stop.set(true);
			maintenance.join();
		}
	}

	private TaskScheduler create(Supplier<TaskScheduler> factory, boolean tracked, TimerRegistry registry) {
		TaskScheduler scheduler = factory.get();
		this.shutdowns.add(() -> TaskSchedulers.close(scheduler));
		return tracked ? TaskSchedulers.trackedAsABean(scheduler, registry) : scheduler;
	}

	private Thread cancelFromAnotherThread(ScheduledFuture<?> future) {
		Thread thread = new Thread(() -> {
			boolean cancelled = future.cancel(false);
			if (future.isCancelled() != cancelled) {
				this.inconsistencies.add("cancel() said " + cancelled + " but isCancelled() " + future.isCancelled());
			}
		});
		thread.start();
		return thread;
	}

	private static void awaitAllDone(List<ScheduledFuture<?>> futures) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		for (ScheduledFuture<?> future : futures) {
			while (!future.isDone()) {
				assertThat(System.nanoTime()).as("every future done within 60 s").isLessThan(deadline);
				Thread.sleep(1);
			}
		}
	}

	// Runs end on the scheduler's threads a moment after their futures are done, and a run's
	// end counts the task in its new phase before it leaves the running count.
	private static void awaitCounts(TimerRegistry registry, long completed, long cancelled, long failed)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while ((sum(registry, OriginStats::live) != 0 || sum(registry, OriginStats::running) != 0)
				&& System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(sum(registry, OriginStats::pending)).as("pending").isZero();
		assertThat(sum(registry, OriginStats::running)).as("running").isZero();
		assertThat(sum(registry, OriginStats::completed)).as("completed").isEqualTo(completed);
		assertThat(sum(registry, OriginStats::cancelled)).as("cancelled").isEqualTo(cancelled);
		assertThat(sum(registry, OriginStats::failed)).as("failed").isEqualTo(failed);
	}

	private static long sum(TimerRegistry registry, ToLongFunction<OriginStats> figure) {
		return registry.origins().stream().mapToLong(figure).sum();
	}

	private static void spin() {
		long until = System.nanoTime() + ThreadLocalRandom.current().nextInt(50_000);
		while (System.nanoTime() < until) {
			Thread.onSpinWait();
		}
	}

	private static void work() {
		spinFor(ThreadLocalRandom.current().nextInt(20_000));
	}

	private static void spinFor(long nanos) {
		long until = System.nanoTime() + nanos;
		while (System.nanoTime() < until) {
			Thread.onSpinWait();
		}
	}

}
