package dev.timerwatch.scheduling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.timerwatch.fixtures.PingService;
import dev.timerwatch.fixtures.SubmitQueueingExecutor;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutorTests.assertIdentity;
import static dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutorTests.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

class TrackingScheduledExecutorServiceTests {

	private final TimerRegistry registry = new TimerRegistry();

	private final ScheduledExecutorService raw = Executors.newSingleThreadScheduledExecutor();

	private final TrackingScheduledExecutorService executor = new TrackingScheduledExecutorService(this.raw,
			this.registry, "single");

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void closeIsTheExecutorsOwnCloseAndReturnsWhenItDoes() throws Exception {
		SubmitQueueingExecutor raw = new SubmitQueueingExecutor();
		SubmitQueueingExecutor delegate = new SubmitQueueingExecutor();
		TrackingScheduledExecutorService tracked = new TrackingScheduledExecutorService(delegate, this.registry,
				"own-close");
		for (ScheduledExecutorService executor : List.of(raw, tracked)) {
			executor.schedule(() -> {
			}, 1, TimeUnit.HOURS);
			// An executor's own close may return with tasks queued (the common pool's does); the
			// interface's default close would wait for them, here for an hour.
			assertTimeoutPreemptively(Duration.ofSeconds(10), ((AutoCloseable) executor)::close);
		}
		assertThat(delegate.calls()).isEqualTo(raw.calls()).containsExactly("schedule", "close");
	}

	@Test
	void anExecutorThatIgnoresShutdownNowStaysTrackedWithItsTasks() {
		// As the common pool, a ScheduledExecutorService on Java 25, ignores it.
		class Unstoppable extends SubmitQueueingExecutor {

			@Override
			public List<Runnable> shutdownNow() {
				calls().add("shutdownNow");
				return List.of();
			}

		}
		Unstoppable raw = new Unstoppable();
		Unstoppable delegate = new Unstoppable();
		TrackingScheduledExecutorService tracked = new TrackingScheduledExecutorService(delegate, this.registry,
				"unstoppable");
		try {
			for (ScheduledExecutorService executor : List.of(raw, tracked)) {
				executor.schedule(() -> {
				}, 1, TimeUnit.HOURS);
				assertThat(executor.shutdownNow()).isEmpty();
				assertThat(executor.isShutdown()).isFalse();
			}
			assertThat(delegate.calls()).isEqualTo(raw.calls());
			assertThat(tracked.getTracker().isClosed()).isFalse();
			assertThat(single(List.copyOf(tracked.getTracker().origins())).pending()).isEqualTo(1);
		}
		finally {
			raw.shutdown();
			delegate.shutdown();
		}
	}

	@Test
	void closeCountsWhatTheExecutorDroppedAndLeavesTheRegistryOnceTerminated() throws Exception {
		ScheduledExecutorService raw = Executors.newSingleThreadScheduledExecutor();
		TrackingScheduledExecutorService tracked = new TrackingScheduledExecutorService(raw, this.registry, "closed");
		ScheduledFuture<?> periodic = tracked.scheduleAtFixedRate(() -> {
		}, 1, 1, TimeUnit.HOURS);
		ScheduledFuture<?> soon = tracked.schedule(() -> {
		}, 50, TimeUnit.MILLISECONDS);
		assertTimeoutPreemptively(Duration.ofSeconds(10), tracked::close);
		assertThat(raw.isTerminated()).isTrue();
		assertThat(periodic.isCancelled()).isTrue();
		assertThat(soon.isDone() && !soon.isCancelled()).isTrue();
		assertThat(tracked.getTracker().isClosed()).isTrue();
		assertThat(this.registry.schedulers()).doesNotContain(tracked.getTracker());
		List<OriginStats> origins = List.copyOf(tracked.getTracker().origins());
		assertThat(origins.stream().mapToLong(OriginStats::pending).sum()).isZero();
		assertThat(origins.stream().mapToLong(OriginStats::cancelled).sum()).isEqualTo(1);
		assertThat(origins.stream().mapToLong(OriginStats::completed).sum()).isEqualTo(1);
	}

	@Test
	void aPeriodicTaskRunningWhenTheExecutorShutsDownIsCountedCancelledWhenTheExecutorCancelsIt() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000);
		ScheduledThreadPoolExecutor raw = new ScheduledThreadPoolExecutor(1);
		ScheduledThreadPoolExecutor delegate = new ScheduledThreadPoolExecutor(1);
		TrackingScheduledExecutorService tracked = new TrackingScheduledExecutorService(delegate, registry, "shut");
		try {
			List<ScheduledFuture<?>> periodic = new ArrayList<>();
			for (ScheduledExecutorService executor : List.of(raw, tracked)) {
				CountDownLatch running = new CountDownLatch(1);
				CountDownLatch release = new CountDownLatch(1);
				// Kept after shutdown, as the JDK's default policy keeps delayed tasks: no termination.
				executor.schedule(() -> {
				}, 1, TimeUnit.HOURS);
				periodic.add(executor.scheduleAtFixedRate(() -> {
					running.countDown();
					awaitQuietly(release);
				}, 0, 10, TimeUnit.MILLISECONDS));
				assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
				executor.shutdown();
				release.countDown();
			}
			// The executor cancels it after the run that was going on when it shut down.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> periodic.get(0).isCancelled() && periodic.get(1).isCancelled());
			assertThat(raw.isTerminated()).isFalse();
			assertThat(delegate.isTerminated()).isFalse();
			clock.addAndGet(1_000);
			registry.advance();
			// Tests in timerwatch's packages share one origin: the one-shot task is still pending.
			OriginStats origin = single(registry.origins());
			assertThat(origin.pending()).isOne();
			assertThat(origin.cancelled()).isOne();
			assertThat(tracked.getTracker().isClosed()).isFalse();
		}
		finally {
			raw.shutdownNow();
			tracked.shutdownNow();
		}
	}

	@Test
	void attributesTasksToTheirCallSite() {
		new PingService().start(this.executor);
		OriginStats origin = single(this.registry.origins());
		assertThat(origin.origin().getLineNumber()).isEqualTo(PingService.LEAK_LINE);
		assertThat(origin.kinds()).containsExactly(TaskKind.FIXED_RATE);
		assertThat(origin.pending()).isEqualTo(1);
	}

	@Test
	void submitIsTheExecutorsOwnSubmitAndReturnsWhatItReturnsAlike() throws Exception {
		List<String> rawCalls = submitThree(new SubmitQueueingExecutor(), (executor) -> executor);
		TimerRegistry registry = new TimerRegistry();
		List<String> trackedCalls = submitThree(new SubmitQueueingExecutor(),
				(executor) -> new TrackingScheduledExecutorService(executor, registry, "queueing"));
		assertThat(rawCalls).containsExactly("submit(Runnable)", "execute", "submit(Runnable, result)", "execute",
				"submit(Callable)", "execute");
		assertThat(trackedCalls).isEqualTo(rawCalls);
	}

	// Submits a Runnable, a Runnable with a result and a Callable, checks what each future
	// reads, and returns the calls the executor saw.
	private static List<String> submitThree(SubmitQueueingExecutor executor,
			Function<SubmitQueueingExecutor, ScheduledExecutorService> decoration) throws Exception {
		ScheduledExecutorService decorated = decoration.apply(executor);
		try {
			Future<?> runnable = decorated.submit(() -> { });
			Future<String> withResult = decorated.submit(() -> { }, "done");
			Future<Integer> callable = decorated.submit(() -> 42);
			assertThat(runnable.get(5, TimeUnit.SECONDS)).isNull();
			assertThat(withResult.get(5, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(callable.get(5, TimeUnit.SECONDS)).isEqualTo(42);
			assertThat(List.of(runnable, withResult, callable)).noneMatch(ScheduledFuture.class::isInstance);
			if (decorated instanceof TrackingScheduledExecutorService tracked) {
				await().untilAsserted(() -> assertThat(tracked.getTracker().origins().stream()
					.mapToLong(OriginStats::completed)
					.sum()).isEqualTo(3));
			}
			return executor.calls();
		}
		finally {
			decorated.shutdownNow();
		}
	}

	@Test
	void aSubmittedTaskCancelledBeforeItRunsIsCountedCancelledWhateverFutureTheExecutorReturns()
			throws Exception {
		SubmitQueueingExecutor queueing = new SubmitQueueingExecutor();
		TimerRegistry registry = new TimerRegistry();
		TrackingScheduledExecutorService decorated = new TrackingScheduledExecutorService(queueing, registry,
				"queueing");
		CountDownLatch release = new CountDownLatch(1);
		try {
			decorated.submit(() -> awaitQuietly(release));
			Future<?> queued = decorated.submit(() -> { });
			assertThat(queued.cancel(false)).isTrue();
			assertThat(queued.isCancelled()).isTrue();
			release.countDown();
			await().untilAsserted(() -> assertThat(registry.origins()).allSatisfy((origin) -> {
				assertThat(origin.pending()).isZero();
				assertThat(origin.running()).isZero();
			}));
			assertThat(registry.origins().stream().mapToLong(OriginStats::cancelled).sum()).isEqualTo(1);
			assertThat(registry.origins().stream().mapToLong(OriginStats::completed).sum()).isEqualTo(1);
		}
		finally {
			release.countDown();
			decorated.shutdownNow();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void countsCompletedFailedAndCancelledTasks() throws Exception {
		assertThat(this.executor.submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
		Future<?> failing = this.executor.submit(() -> {
			throw new IllegalStateException("fails");
		});
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> failing.get(5, TimeUnit.SECONDS));
		ScheduledFuture<?> timeout = this.executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		assertThat(timeout.cancel(false)).isTrue();
		OriginStats origin = single(this.registry.origins());
		await().untilAsserted(() -> {
			assertThat(origin.completed()).isEqualTo(1);
			assertThat(origin.failed()).isEqualTo(1);
		});
		assertThat(origin.cancelled()).isEqualTo(1);
		assertIdentity(origin);
	}

	@Test
	void aPeriodicTaskThatThrowsStopsAndIsCountedAsFailed() {
		AtomicInteger runs = new AtomicInteger();
		ScheduledFuture<?> future = this.executor.scheduleAtFixedRate(() -> {
			runs.incrementAndGet();
			throw new IllegalStateException("silent death");
		}, 0, 5, TimeUnit.MILLISECONDS);
		await().until(future::isDone);
		OriginStats origin = single(this.registry.origins());
		await().untilAsserted(() -> assertThat(origin.failed()).isEqualTo(1));
		assertThat(runs).hasValue(1);
		assertThat(origin.pending()).isZero();
	}

	@Test
	void passesRejectionOnAndLeavesTheTaskUncounted() {
		this.executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		OriginStats origin = single(this.registry.origins());
		this.raw.shutdown();
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> this.executor.schedule(() -> { }, 1, TimeUnit.HOURS));
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> this.executor.execute(() -> { }));
		assertThat(origin.scheduled()).isEqualTo(1);
	}

	@Test
	void nullTasksThrowNullPointerException() {
		assertThatNullPointerException().isThrownBy(() -> this.executor.schedule((Runnable) null, 1, TimeUnit.SECONDS));
		assertThatNullPointerException().isThrownBy(() -> this.executor.execute(null));
		assertThat(this.registry.origins()).isEmpty();
	}

	@Test
	void invokeAllAndInvokeAnyRefuseANullTaskAsTheExecutorDoesAndLeaveNothingPending() {
		ScheduledExecutorService raw = Executors.newSingleThreadScheduledExecutor();
		try {
			for (ScheduledExecutorService executor : List.of(raw, this.executor)) {
				// invokeAll hands on the task before the null; invokeAny may return the first
				// task's result before it reaches a null that follows, so there the null is first.
				List<Callable<Integer>> nullLast = Arrays.asList(() -> 1, null);
				List<Callable<Integer>> nullFirst = Arrays.asList(null, () -> 1);
				assertThatNullPointerException().isThrownBy(() -> executor.invokeAll(nullLast));
				assertThatNullPointerException().isThrownBy(() -> executor.invokeAll(nullLast, 1, TimeUnit.MINUTES));
				assertThatNullPointerException().isThrownBy(() -> executor.invokeAny(nullFirst));
				assertThatNullPointerException().isThrownBy(() -> executor.invokeAny(nullFirst, 1, TimeUnit.MINUTES));
			}
		}
		finally {
			raw.shutdownNow();
		}
		OriginStats origin = single(this.registry.origins());
		await().untilAsserted(() -> assertThat(origin.pending()).isZero());
		assertThat(origin.completed() + origin.cancelled()).isEqualTo(4);
	}

	@Test
	void invokeAllRunsEveryTaskAndTracksIt() throws Exception {
		List<Future<Integer>> results = this.executor.invokeAll(List.of(() -> 1, () -> 2, () -> 3));
		assertThat(results).extracting(Future::get).containsExactly(1, 2, 3);
		assertThat(this.registry.origins()).singleElement()
			.satisfies((origin) -> assertThat(origin.completed()).isEqualTo(3));
	}


	@Test
	void runsATaskThatIsBothRunnableAndCallableAsTheRunnableItWasScheduledAs() throws Exception {
		ScheduledExecutorConformanceTests.RunnableAndCallable once = new ScheduledExecutorConformanceTests.RunnableAndCallable();
		assertThat(this.executor.schedule((Runnable) once, 0, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS)).isNull();
		ScheduledExecutorConformanceTests.RunnableAndCallable submitted = new ScheduledExecutorConformanceTests.RunnableAndCallable();
		assertThat(this.executor.submit((Runnable) submitted).get(5, TimeUnit.SECONDS)).isNull();
		assertThat(once.runs).hasValue(1);
		assertThat(submitted.runs).hasValue(1);
		assertThat(once.calls).hasValue(0);
		assertThat(submitted.calls).hasValue(0);
	}

}
