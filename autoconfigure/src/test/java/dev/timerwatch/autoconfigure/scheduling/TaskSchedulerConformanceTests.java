package dev.timerwatch.autoconfigure.scheduling;

import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import java.util.function.Function;
import java.util.concurrent.Executors;
import java.util.concurrent.Executor;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CancellationException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.timerwatch.fixtures.TaskSchedulers;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.TaskUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a {@link TaskScheduler} bean does, observed through the same scenario on the raw bean
 * and on the bean as timerwatch's post-processor leaves it: return values, futures' states,
 * exceptions (their exact type and instance), rejection and shutdown must read the same. Each
 * scenario writes what a caller can observe into a transcript; the transcripts must be equal,
 * and the tracked scheduler must end with nothing pending.
 */
class TaskSchedulerConformanceTests {

	private final List<Runnable> shutdowns = new ArrayList<>();

	static Stream<Arguments> schedulers() {
		Supplier<TaskScheduler> threadPool = () -> TaskSchedulers.threadPool(2, false);
		Supplier<TaskScheduler> simpleAsync = SimpleAsyncTaskScheduler::new;
		Supplier<TaskScheduler> throwing = () -> {
			ThreadPoolTaskScheduler scheduler = new ThrowingScheduler();
			scheduler.initialize();
			return scheduler;
		};
		Supplier<TaskScheduler> advised = () -> TaskSchedulers.advised(threadPool.get());
		return Stream.of(Arguments.of("ThreadPoolTaskScheduler", threadPool),
				Arguments.of("SimpleAsyncTaskScheduler", simpleAsync),
				Arguments.of("a subclass that throws a checked exception", throwing),
				Arguments.of("a user's own AOP proxy", advised));
	}

	@AfterEach
	void shutdown() {
		this.shutdowns.forEach(Runnable::run);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void oneShotTasksRunAndCompleteTheirFuturesAlike(String name, Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			CountDownLatch ran = new CountDownLatch(1);
			ScheduledFuture<?> future = scheduler.schedule(ran::countDown, Instant.now().plusMillis(5));
			if (future == null) {
				transcript.add("no future");
				return;
			}
			transcript.add(ran.await(10, TimeUnit.SECONDS));
			transcript.add(future.get(10, TimeUnit.SECONDS));
			transcript.add(future.isDone(), future.isCancelled(), future.cancel(false));
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void cancellingBeforeTheRunReadsAlike(String name, Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			ScheduledFuture<?> future = scheduler.schedule(() -> { }, Instant.now().plusSeconds(3600));
			if (future == null) {
				transcript.add("no future");
				return;
			}
			transcript.add(future.isDone(), future.isCancelled(), future.getDelay(TimeUnit.MINUTES) > 50);
			transcript.add(future.cancel(false), future.cancel(true));
			transcript.add(future.isDone(), future.isCancelled());
			transcript.thrown(() -> future.get(1, TimeUnit.SECONDS));
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void periodicTasksRunUntilCancelledAlike(String name, Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			CountDownLatch runs = new CountDownLatch(3);
			ScheduledFuture<?> rate = scheduler.scheduleAtFixedRate(runs::countDown, Duration.ofMillis(2));
			CountDownLatch delayRuns = new CountDownLatch(3);
			ScheduledFuture<?> delay = scheduler.scheduleWithFixedDelay(delayRuns::countDown, Instant.now(),
					Duration.ofMillis(2));
			if (rate == null || delay == null) {
				transcript.add("no future");
				return;
			}
			transcript.add(runs.await(10, TimeUnit.SECONDS), delayRuns.await(10, TimeUnit.SECONDS));
			transcript.add(rate.isDone(), rate.cancel(false), rate.isCancelled(), rate.isDone());
			transcript.add(delay.cancel(true), delay.isCancelled());
			transcript.thrown(() -> rate.get());
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aPeriodTooLongForNanosecondsRunsTheTaskOnceAlike(String name, Supplier<TaskScheduler> factory)
			throws Exception {
		// @Scheduled(fixedDelay = Long.MAX_VALUE), the idiom for "run once". (Not at a fixed
		// rate: the JDK adds such a period to the run's time, which overflows, and then runs the
		// task without end, raw or tracked.)
		assertConforms(factory, (scheduler, transcript) -> {
			CountDownLatch ran = new CountDownLatch(1);
			ScheduledFuture<?> delay = scheduler.scheduleWithFixedDelay(ran::countDown, Instant.now(),
					Duration.ofMillis(Long.MAX_VALUE));
			transcript.add(ran.await(10, TimeUnit.SECONDS));
			if (delay != null) {
				transcript.add(delay.cancel(false), delay.isCancelled());
			}
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aCompletableFutureCompletedBeforeItsRunReadsAlikeAndLeavesNothingPending(String name,
			Supplier<TaskScheduler> factory) throws Exception {
		AtomicReference<AtomicInteger> lastRuns = new AtomicReference<>();
		AtomicInteger blockers = new AtomicInteger();
		assertConforms(factory, (scheduler, transcript) -> {
			if (!(scheduler instanceof AsyncTaskExecutor executor)) {
				return;
			}
			// Keeps both threads of a pool busy, so that the next task waits in its queue.
			CountDownLatch release = new CountDownLatch(1);
			scheduler.schedule(() -> awaitQuietly(release), Instant.now());
			scheduler.schedule(() -> awaitQuietly(release), Instant.now());
			blockers.set(2);
			AtomicInteger runs = new AtomicInteger();
			lastRuns.set(runs);
			CompletableFuture<?> future = executor.submitCompletable((Runnable) runs::incrementAndGet)
				.orTimeout(50, TimeUnit.MILLISECONDS);
			transcript.thrown(() -> future.get(10, TimeUnit.SECONDS));
			release.countDown();
		}, (registry) -> {
			// Read once every task of the tracked run has ended: the timeout fired before the
			// task's run, which the executor then skipped, or the task ran.
			int skipped = (lastRuns.get() != null && lastRuns.get().get() == 0) ? 1 : 0;
			if (name.equals("ThreadPoolTaskScheduler")) {
				// Both threads of its pool are busy: the task must wait past its timeout.
				assertThat(skipped).as("the timeout fired before the task ran").isEqualTo(1);
			}
			int submitted = (blockers.get() > 0) ? 1 : 0;
			assertThat(sum(registry, OriginStats::cancelled)).isEqualTo(skipped);
			assertThat(sum(registry, OriginStats::completed)).isEqualTo(blockers.get() + submitted - skipped);
			assertThat(sum(registry, OriginStats::scheduled)).isEqualTo(blockers.get() + submitted);
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aPeriodicTaskThatAnErrorHandlerStopsReadsAlikeAndEndsAsFailed(String name, Supplier<TaskScheduler> factory)
			throws Exception {
		AtomicInteger stopped = new AtomicInteger();
		assertConforms(factory, (scheduler, transcript) -> {
			if (!(scheduler instanceof ThreadPoolTaskScheduler threadPool)) {
				return;
			}
			stopped.set(1);
			// An error handler that re-throws: the executor stops the periodic task, and tells
			// no one but its future.
			threadPool.setErrorHandler(TaskUtils.LOG_AND_PROPAGATE_ERROR_HANDLER);
			AtomicInteger runs = new AtomicInteger();
			ScheduledFuture<?> future = scheduler.scheduleAtFixedRate(() -> {
				runs.incrementAndGet();
				throw new IllegalStateException("fails");
			}, Duration.ofMillis(5));
			awaitTrue(future::isDone);
			transcript.add(runs.get(), future.isCancelled());
			transcript.thrown(() -> future.get());
		}, (registry) -> assertThat(sum(registry, OriginStats::failed)).isEqualTo(stopped.get()));
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aTriggerThatNeverFiresReadsAlike(String name, Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			Trigger never = (context) -> null;
			ScheduledFuture<?> future = scheduler.schedule(() -> { }, never);
			transcript.add(future == null);
			if (future != null) {
				transcript.add(future.isDone(), future.cancel(false));
			}
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aTriggerRunsUntilItStopsAlike(String name, Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			AtomicInteger fired = new AtomicInteger();
			AtomicInteger runs = new AtomicInteger();
			Trigger threeTimes = (context) -> (fired.incrementAndGet() <= 3) ? Instant.now().plusMillis(1) : null;
			ScheduledFuture<?> future = scheduler.schedule(runs::incrementAndGet, threeTimes);
			awaitTrue(() -> fired.get() > 3 && runs.get() >= 3);
			transcript.add(fired.get(), runs.get());
			if (future != null) {
				transcript.add(future.isCancelled());
			}
		}, (registry) -> {
			assertThat(sum(registry, OriginStats::completed)).isEqualTo(1);
			assertThat(sum(registry, OriginStats::runs)).isEqualTo(3);
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aTriggerThatThrowsAfterItsFirstAnswerReadsAlikeAndEndsAsFailed(String name,
			Supplier<TaskScheduler> factory) throws Exception {
		assertATriggerThatThrowsAfterItsFirstAnswerEndsAsFailed(factory,
				new IllegalStateException("database unavailable"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aTriggerThatThrowsACheckedExceptionSneakilyAfterItsFirstAnswerReadsAlikeAndEndsAsFailed(String name,
			Supplier<TaskScheduler> factory) throws Exception {
		// A Kotlin trigger that reads the next time from a database throws its IOException as is.
		assertATriggerThatThrowsAfterItsFirstAnswerEndsAsFailed(factory, new IOException("database unavailable"));
	}

	private void assertATriggerThatThrowsAfterItsFirstAnswerEndsAsFailed(Supplier<TaskScheduler> factory,
			Exception unavailable) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			AtomicInteger asked = new AtomicInteger();
			AtomicInteger runs = new AtomicInteger();
			Trigger onceThenThrows = (context) -> {
				if (asked.incrementAndGet() > 1) {
					throw ThrowingScheduler.<RuntimeException>sneaky(unavailable);
				}
				return Instant.now().plusMillis(1);
			};
			ScheduledFuture<?> future = scheduler.schedule(runs::incrementAndGet, onceThenThrows);
			// On SimpleAsyncTaskScheduler the trigger throws, and the future is done, as soon as
			// the run is handed off, before it has run: the transcript waits for the run too.
			awaitTrue(() -> asked.get() > 1 && future.isDone() && runs.get() == 1);
			transcript.add(asked.get(), runs.get(), future.isCancelled());
			transcript.thrown(() -> future.get());
		}, (registry) -> {
			assertThat(sum(registry, OriginStats::failed)).isEqualTo(1);
			assertThat(sum(registry, OriginStats::completed)).isZero();
			assertThat(sum(registry, OriginStats::runs)).isEqualTo(1);
			assertThat(registry.origins()).extracting(OriginStats::lastFailure)
				.containsExactly(unavailable.getClass().getName() + ": database unavailable");
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aTriggerThatAnswersNullAfterARunThatThrewEndsItsTaskAsCompletedOnEveryScheduler(String name,
			Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			AtomicInteger asked = new AtomicInteger();
			AtomicInteger runs = new AtomicInteger();
			Trigger once = (context) -> (asked.incrementAndGet() > 1) ? null : Instant.now().plusMillis(1);
			ScheduledFuture<?> future = scheduler.schedule(() -> {
				runs.incrementAndGet();
				throw new IllegalStateException("this run failed");
			}, once);
			awaitTrue(() -> asked.get() > 1 && future.isDone() && runs.get() == 1);
			transcript.add(asked.get(), runs.get(), future.isCancelled());
			transcript.thrown(() -> future.get());
		}, (registry) -> {
			// Spring logged the run's failure and asked the trigger, which said no more: the
			// task ended as its trigger planned, completed (README, "Semantics"), whichever
			// scheduler ran it, and whether the trigger was asked before or after the run.
			assertThat(sum(registry, OriginStats::completed)).as("completed").isEqualTo(1);
			assertThat(sum(registry, OriginStats::failed)).as("failed").isZero();
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void executorMethodsReturnAlike(String name, Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			if (!(scheduler instanceof org.springframework.core.task.AsyncTaskExecutor executor)) {
				transcript.add("not an executor");
				return;
			}
			CountDownLatch executed = new CountDownLatch(1);
			executor.execute(executed::countDown);
			transcript.add(executed.await(10, TimeUnit.SECONDS));
			Future<Integer> submitted = executor.submit((Callable<Integer>) () -> 42);
			transcript.add(submitted.get(10, TimeUnit.SECONDS));
			Future<?> submittedRunnable = executor.submit(() -> { });
			transcript.add(submittedRunnable.get(10, TimeUnit.SECONDS));
			CompletableFuture<String> completable = executor.submitCompletable(() -> "done");
			transcript.add(completable.get(10, TimeUnit.SECONDS));
			CountDownLatch block = new CountDownLatch(1);
			CompletableFuture<Void> cancelled = executor.submitCompletable(() -> {
				block.await();
				return null;
			});
			transcript.add(cancelled.cancel(true), cancelled.isCancelled());
			block.countDown();
			Future<?> failing = executor.submit((Callable<Integer>) () -> {
				throw new IOException("checked");
			});
			transcript.thrown(() -> failing.get(10, TimeUnit.SECONDS));
		});
	}

	// Schedulers whose submit returns a FutureTask that runs on an executor of the test's, which
	// holds every run until the test lets it go.
	static Stream<Arguments> plainFutureSchedulers() {
		Function<Executor, TaskScheduler> simpleAsync = (runs) -> {
			SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();
			scheduler.setTargetTaskExecutor(runs);
			return scheduler;
		};
		Function<Executor, TaskScheduler> concurrent = (runs) -> new ConcurrentTaskScheduler(runs,
				Executors.newSingleThreadScheduledExecutor());
		return Stream.of(Arguments.of("SimpleAsyncTaskScheduler handing runs to an executor", simpleAsync),
				Arguments.of("ConcurrentTaskScheduler over a plain executor", concurrent));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("plainFutureSchedulers")
	void aSubmittedTaskCancelledBeforeItsRunReadsAlikeAndEndsCancelled(String name,
			Function<Executor, TaskScheduler> factory) throws Exception {
		List<Object> expected = cancelSubmissionsBeforeTheirRuns(factory.andThen(this::use));
		TimerRegistry registry = new TimerRegistry();
		List<Object> actual = cancelSubmissionsBeforeTheirRuns(
				factory.andThen(this::use).andThen((scheduler) -> track(scheduler, registry)));
		assertThat(actual).isEqualTo(expected);
		assertThat(registry.origins()).isNotEmpty();
		assertThat(sum(registry, OriginStats::live)).isZero();
		assertThat(sum(registry, OriginStats::cancelled)).isEqualTo(2);
		assertThat(sum(registry, OriginStats::completed)).isEqualTo(1);
	}

	private static List<Object> cancelSubmissionsBeforeTheirRuns(Function<Executor, TaskScheduler> factory)
			throws Exception {
		List<Runnable> held = new CopyOnWriteArrayList<>();
		AsyncTaskExecutor executor = (AsyncTaskExecutor) factory.apply(held::add);
		List<Object> transcript = new ArrayList<>();
		Future<?> runnable = executor.submit(() -> { });
		Future<Integer> callable = executor.submit(() -> 42);
		Future<Integer> kept = executor.submit(() -> 7);
		transcript.add(runnable.cancel(false));
		transcript.add(callable.cancel(true));
		transcript.add(List.of(runnable.isCancelled(), runnable.isDone(), callable.isCancelled(), kept.isDone()));
		transcript.add(held.size());
		held.forEach(Runnable::run);
		transcript.add(kept.get(10, TimeUnit.SECONDS));
		try {
			callable.get(10, TimeUnit.SECONDS);
			transcript.add("no exception");
		}
		catch (CancellationException ex) {
			transcript.add(ex.getClass());
		}
		return transcript;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aTaskThatIsBothRunnableAndCallableIsRunOrCalledAsItWasGivenAlike(String name,
			Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			if (!(scheduler instanceof org.springframework.core.task.AsyncTaskExecutor executor)) {
				transcript.add("not an executor");
				return;
			}
			RunnableAndCallable asCallable = new RunnableAndCallable();
			transcript.add(executor.submit((Callable<String>) asCallable).get(10, TimeUnit.SECONDS));
			transcript.add(executor.submitCompletable((Callable<String>) asCallable).get(10, TimeUnit.SECONDS));
			RunnableAndCallable asRunnable = new RunnableAndCallable();
			transcript.add(executor.submit((Runnable) asRunnable).get(10, TimeUnit.SECONDS));
			ScheduledFuture<?> scheduled = scheduler.schedule(asRunnable, Instant.now());
			if (scheduled != null) {
				transcript.add(scheduled.get(10, TimeUnit.SECONDS));
			}
			// SimpleAsyncTaskScheduler completes a scheduled future once the run is handed to
			// its own thread, which may not have run yet.
			awaitTrue(() -> asRunnable.runs.get() >= 2);
			transcript.add(asCallable.runs.get(), asCallable.calls.get(), asRunnable.calls.get(),
					asRunnable.runs.get());
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aFailingTaskReadsAlike(String name, Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			CountDownLatch failed = new CountDownLatch(1);
			ScheduledFuture<?> future = scheduler.schedule(() -> {
				failed.countDown();
				throw new IllegalStateException("task failed");
			}, Instant.now());
			transcript.add(failed.await(10, TimeUnit.SECONDS));
			if (future != null) {
				transcript.thrown(() -> future.get(10, TimeUnit.SECONDS));
				transcript.add(future.isDone());
			}
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void theSchedulersOwnExceptionsPassUnchanged(String name, Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			transcript.thrown(() -> scheduler.schedule(null, Instant.now()));
			transcript.thrown(() -> scheduler.scheduleAtFixedRate(() -> { }, Duration.ZERO));
			transcript.thrown(() -> scheduler.schedule(() -> { }, ThrowingScheduler.REFUSED_AT));
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void aShutDownSchedulerRejectsAlike(String name, Supplier<TaskScheduler> factory) throws Exception {
		assertConforms(factory, (scheduler, transcript) -> {
			ScheduledFuture<?> pending = scheduler.schedule(() -> { }, Instant.now().plusSeconds(3600));
			TaskSchedulers.close(scheduler);
			transcript.thrown(() -> scheduler.schedule(() -> { }, Instant.now()));
			transcript.thrown(() -> scheduler.scheduleAtFixedRate(() -> { }, Duration.ofSeconds(1)));
			if (pending != null) {
				transcript.add(pending.isDone());
			}
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void identityAndDescriptionAreTheBeans(String name, Supplier<TaskScheduler> factory) throws Exception {
		TaskScheduler raw = use(factory.get());
		TaskScheduler tracked = track(raw, new TimerRegistry());
		assertThat(tracked.equals(raw)).isEqualTo(raw.equals(tracked));
		assertThat(tracked.hashCode()).isEqualTo(tracked.hashCode());
		assertThat(tracked.toString()).isEqualTo(raw.toString());
		assertThat(tracked.getClock()).isSameAs(raw.getClock());
		if (raw instanceof ThrowingScheduler throwing) {
			// A package-private method runs on the bean, not on the proxy's empty fields.
			assertThat(((ThrowingScheduler) tracked).threadNamePrefix()).isEqualTo(throwing.threadNamePrefix())
				.isNotNull();
		}
	}

	private void assertConforms(Supplier<TaskScheduler> factory, Scenario scenario) throws Exception {
		assertConforms(factory, scenario, (registry) -> {
		});
	}

	private void assertConforms(Supplier<TaskScheduler> factory, Scenario scenario,
			java.util.function.Consumer<TimerRegistry> counts) throws Exception {
		Transcript expected = new Transcript();
		scenario.run(use(factory.get()), expected);
		TimerRegistry registry = new TimerRegistry();
		TaskScheduler tracked = track(use(factory.get()), registry);
		Transcript actual = new Transcript();
		scenario.run(tracked, actual);
		assertThat(actual.entries).isEqualTo(expected.entries);
		// The sampler's maintenance drops the tracker of a scheduler that has terminated.
		awaitTrue(() -> {
			registry.advance();
			return registry.origins().stream().mapToLong(OriginStats::live).sum() == 0;
		});
		counts.accept(registry);
	}

	private static long sum(TimerRegistry registry, java.util.function.ToLongFunction<OriginStats> figure) {
		return registry.origins().stream().mapToLong(figure).sum();
	}

	private TaskScheduler use(TaskScheduler scheduler) {
		this.shutdowns.add(() -> TaskSchedulers.close(scheduler));
		return scheduler;
	}

	private static TaskScheduler track(TaskScheduler scheduler, TimerRegistry registry) {
		return TaskSchedulers.trackedAsABean(scheduler, registry);
	}

	private static void awaitTrue(Supplier<Boolean> condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!condition.get()) {
			assertThat(System.nanoTime()).as("condition met within 30 s").isLessThan(deadline);
			Thread.sleep(5);
		}
	}

	@FunctionalInterface
	interface Scenario {

		void run(TaskScheduler scheduler, Transcript transcript) throws Exception;

	}

	@FunctionalInterface
	interface Action {

		@Nullable Object run() throws Throwable;

	}

	static final class RunnableAndCallable implements Runnable, Callable<String> {

		final AtomicInteger runs = new AtomicInteger();

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public void run() {
			this.runs.incrementAndGet();
		}

		@Override
		public String call() {
			this.calls.incrementAndGet();
			return "called";
		}

	}

	/**
	 * What a caller observed, in order: values, and for a throw the exception's class and
	 * cause's class.
	 */
	static final class Transcript {

		final List<@Nullable Object> entries = new ArrayList<>();

		void add(@Nullable Object... observed) {
			this.entries.addAll(java.util.Arrays.asList(observed));
		}

		void thrown(Action action) {
			try {
				this.entries.add("returned " + (action.run() != null));
			}
			catch (Throwable ex) {
				this.entries.add("threw " + describe(ex) + ((ex == ThrowingScheduler.CHECKED) ? " (the same instance)" : "")
						+ ((ex.getCause() != null) ? " caused by " + describe(ex.getCause()) : ""));
			}
		}

		// Messages name objects by identity and executors by their momentary state: the type
		// is what a caller can rely on.
		private static String describe(Throwable ex) {
			return ex.getClass().getName();
		}

	}

	/**
	 * A scheduler subclass that throws a checked exception it does not declare, as Kotlin or
	 * Lombok's {@code @SneakyThrows} code may, for a task due at the epoch.
	 */
	static class ThrowingScheduler extends ThreadPoolTaskScheduler {

		static final Instant REFUSED_AT = Instant.EPOCH;

		static final IOException CHECKED = new IOException("refused by the scheduler");

		String threadNamePrefix() {
			return getThreadNamePrefix();
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
			if (startTime.equals(REFUSED_AT)) {
				throw ThrowingScheduler.<RuntimeException>sneaky(CHECKED);
			}
			return super.schedule(task, startTime);
		}

		@SuppressWarnings("unchecked")
		static <E extends Throwable> E sneaky(Throwable ex) throws E {
			throw (E) ex;
		}

	}

}
