package dev.timerwatch.scheduling;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timerwatch.fixtures.PingService;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TimerRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

class TrackingScheduledThreadPoolExecutorTests {

	private final TimerRegistry registry = new TimerRegistry();

	private final TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(2,
			this.registry, "scheduler");

	@AfterEach
	void shutdown() throws InterruptedException {
		this.executor.shutdownNow();
		this.executor.awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void attributesATaskToTheLineThatScheduledIt() {
		new PingService().start(this.executor);
		OriginStats origin = single(this.registry.origins());
		assertThat(origin.origin().getClassName()).isEqualTo(PingService.class.getName());
		assertThat(origin.origin().getMethodName()).isEqualTo("start");
		assertThat(origin.origin().getFileName()).isEqualTo("PingService.java");
		assertThat(origin.origin().getLineNumber()).isEqualTo(PingService.LEAK_LINE);
		assertThat(origin.origin().describe())
			.isEqualTo("dev.timerwatch.fixtures.PingService.start(PingService.java:" + PingService.LEAK_LINE + ")");
		assertThat(origin.kinds()).containsExactly(TaskKind.FIXED_RATE);
		assertThat(origin.pending()).isEqualTo(1);
		assertThat(origin.schedulerName()).isEqualTo("scheduler");
		assertThat(origin.creationStack()).first()
			.satisfies((frame) -> assertThat(frame.getMethodName()).isEqualTo("start"));
	}

	@Test
	void shutdownDropsWhatItShouldOfASubclassWhoseTasksWrapOursAsTheRawExecutorDoes() throws Exception {
		List<ScheduledThreadPoolExecutor> executors = List.of(new WrappingExecutor(),
				new WrappingTrackingExecutor(this.registry));
		for (ScheduledThreadPoolExecutor executor : executors) {
			ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
			ScheduledFuture<?> delayed = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
			ScheduledFuture<?> cancelled = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
			cancelled.cancel(false);
			executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
			executor.shutdown();
			assertThat(periodic.isCancelled()).as(executor.getClass().getSimpleName()).isTrue();
			assertThat(delayed.isCancelled()).as(executor.getClass().getSimpleName()).isTrue();
			assertThat(executor.getQueue()).as(executor.getClass().getSimpleName()).isEmpty();
			assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void shutdownNowReturnsEveryTaskOnceOfASubclassWhoseTasksCompareByDelay() throws Exception {
		List<ScheduledThreadPoolExecutor> executors = List.of(new WrappingExecutor(true),
				new WrappingTrackingExecutor(this.registry, true));
		for (ScheduledThreadPoolExecutor executor : executors) {
			// The only thread is held, so that tasks due at once stay queued, at the head.
			CountDownLatch started = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			executor.execute(() -> {
				started.countDown();
				awaitQuietly(release);
			});
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			List<Object> scheduled = new java.util.ArrayList<>();
			for (int i = 0; i < 20; i++) {
				scheduled.add(executor.schedule(() -> { }, 1 + i, TimeUnit.HOURS));
			}
			executor.setRemoveOnCancelPolicy(true);
			for (int i = 0; i < 5; i++) {
				scheduled.add(executor.schedule(() -> { }, 0, TimeUnit.MILLISECONDS));
				scheduled.add(executor.schedule(() -> { }, 30 + i, TimeUnit.HOURS));
			}
			Thread.sleep(5);
			try {
				assertThat(executor.shutdownNow()).as(executor.getClass().getSimpleName())
					.containsExactlyInAnyOrderElementsOf(scheduled.stream().map(Runnable.class::cast).toList());
			}
			finally {
				release.countDown();
			}
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
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
	void tasksAPolicySetAfterShutdownDropsAreNotCountedAsRetained() {
		ScheduledThreadPoolExecutor raw = new ScheduledThreadPoolExecutor(1);
		for (ScheduledThreadPoolExecutor executor : List.of(raw, this.executor)) {
			executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(true);
			ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
			ScheduledFuture<?> delayed = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
			executor.shutdown();
			assertThat(executor.getQueue()).hasSize(2);
			executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
			assertThat(periodic.isCancelled()).isTrue();
			assertThat(executor.getQueue()).containsExactly((Runnable) delayed);
		}
		raw.shutdownNow();
		assertThat(this.executor.getTracker().countedRetainedCancelled()).isZero();
		OriginStats origin = single(this.registry.origins());
		assertThat(origin.pending()).isEqualTo(1);
		assertThat(origin.cancelled()).isEqualTo(1);
	}

	@Test
	void refusesANullRejectionHandlerAtConstructionAsTheRawExecutorDoes() {
		TimerRegistry registry = new TimerRegistry();
		assertThatNullPointerException()
			.isThrownBy(() -> new ScheduledThreadPoolExecutor(1, Executors.defaultThreadFactory(), null));
		assertThatNullPointerException().isThrownBy(
				() -> new TrackingScheduledThreadPoolExecutor(1, Executors.defaultThreadFactory(), null, registry, "x"));
		assertThat(registry.schedulers()).isEmpty();
	}

	@Test
	void keepsTheCountsOfOneOriginTogetherAcrossManyTasks() {
		PingService service = new PingService();
		for (int i = 0; i < 100; i++) {
			service.start(this.executor);
		}
		OriginStats origin = single(this.registry.origins());
		assertThat(origin.pending()).isEqualTo(100);
		assertThat(origin.scheduled()).isEqualTo(100);
	}

	@Test
	void tellsApartTwoCallSitesThatScheduleTheSameRunnableClass() {
		PingService service = new PingService();
		Runnable shared = new PingService.Ping();
		for (int i = 0; i < 20; i++) {
			service.timeout(this.executor, shared);
			service.otherTimeout(this.executor, shared);
		}
		assertThat(this.registry.origins()).hasSize(2)
			.allSatisfy((origin) -> assertThat(origin.pending()).isEqualTo(20))
			.extracting((origin) -> origin.origin().getMethodName())
			.containsExactlyInAnyOrder("timeout", "otherTimeout");
	}

	@Test
	void findsASecondCallSiteOfAClassAlreadyTrustedAtAFirstOneByWalkingATaskAgainNowAndThen() {
		PingService service = new PingService();
		Runnable shared = new PingService.Ping();
		for (int i = 0; i < 20; i++) {
			service.timeout(this.executor, shared);
		}
		// Trusted at timeout() now: a task from otherTimeout() is counted there until one, drawn
		// at random (one in 4,096), is walked again. Not found within 200,000 once in e^48.
		this.executor.setRemoveOnCancelPolicy(true);
		int calls = 0;
		while (origin("otherTimeout") == null && calls < 200_000) {
			service.otherTimeout(this.executor, shared).cancel(false);
			calls++;
		}
		assertThat(origin("otherTimeout")).as("a second call site found within %d calls", calls).isNotNull();
		// From then on every task of the class is walked, and counted where it comes from.
		long timeoutBefore = origin("timeout").scheduled();
		long otherBefore = origin("otherTimeout").scheduled();
		for (int i = 0; i < 100; i++) {
			service.timeout(this.executor, shared);
			service.otherTimeout(this.executor, shared);
		}
		assertThat(origin("timeout").scheduled() - timeoutBefore).isEqualTo(100);
		assertThat(origin("otherTimeout").scheduled() - otherBefore).isEqualTo(100);
	}

	private @Nullable OriginStats origin(String methodName) {
		return this.registry.origins()
			.stream()
			.filter((origin) -> origin.origin().getMethodName().equals(methodName))
			.findFirst()
			.orElse(null);
	}

	@Test
	void countsEveryTaskInExactlyOneState() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch blockerStarted = new CountDownLatch(1);
		this.executor.execute(() -> {
			blockerStarted.countDown();
			awaitLatch(release);
		});
		assertThat(blockerStarted.await(5, TimeUnit.SECONDS)).isTrue();
		this.executor.submit(() -> { }).get(5, TimeUnit.SECONDS);
		this.executor.submit(() -> {
			throw new IllegalStateException("fails");
		});
		this.executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
		this.executor.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.HOURS);
		await().untilAsserted(() -> {
			OriginStats total = single(this.registry.origins());
			assertThat(total.completed()).isEqualTo(1);
			assertThat(total.failed()).isEqualTo(1);
		});
		OriginStats origin = single(this.registry.origins());
		assertThat(origin.running()).isEqualTo(1);
		assertThat(origin.cancelled()).isEqualTo(1);
		assertThat(origin.pending()).isEqualTo(1);
		assertThat(origin.scheduled()).isEqualTo(5);
		assertIdentity(origin);
		release.countDown();
		await().untilAsserted(() -> assertThat(origin.completed()).isEqualTo(2));
		assertIdentity(origin);
	}

	@Test
	void aPeriodicTaskReturnsToPendingAfterEachRun() throws Exception {
		CountDownLatch threeRuns = new CountDownLatch(3);
		ScheduledFuture<?> future = this.executor.scheduleAtFixedRate(threeRuns::countDown, 0, 5,
				TimeUnit.MILLISECONDS);
		assertThat(threeRuns.await(5, TimeUnit.SECONDS)).isTrue();
		OriginStats origin = single(this.registry.origins());
		await().untilAsserted(() -> assertThat(origin.pending() + origin.running()).isEqualTo(1));
		future.cancel(false);
		await().untilAsserted(() -> assertThat(origin.cancelled()).isEqualTo(1));
		assertThat(origin.pending()).isZero();
		assertThat(origin.runs()).isGreaterThanOrEqualTo(3);
		assertIdentity(origin);
	}

	@Test
	void aPeriodicTaskThatThrowsIsCountedAsFailed() {
		this.executor.scheduleAtFixedRate(() -> {
			throw new IllegalStateException("silent death");
		}, 0, 5, TimeUnit.MILLISECONDS);
		OriginStats origin = await().until(() -> single(this.registry.origins()), (o) -> o.failed() == 1);
		assertThat(origin.pending()).isZero();
		assertThat(origin.failedRuns()).isEqualTo(1);
		assertIdentity(origin);
	}

	@Test
	void countsCancelledTasksTheQueueStillHolds() {
		List<ScheduledFuture<?>> timeouts = List.of(this.executor.schedule(() -> { }, 1, TimeUnit.HOURS),
				this.executor.schedule(() -> { }, 1, TimeUnit.HOURS));
		timeouts.forEach((timeout) -> timeout.cancel(false));
		assertThat(this.executor.getTracker().probe().retainedCancelled()).isEqualTo(2);
		assertThat(this.executor.getQueue()).hasSize(2);
		this.executor.purge();
		assertThat(this.executor.getQueue()).isEmpty();
		assertThat(this.executor.getTracker().probe().retainedCancelled()).isZero();
		assertThat(single(this.registry.origins()).cancelled()).isEqualTo(2);
	}

	@Test
	void retainedCancelledTasksLeaveTheCountWhenTheirDelayExpires() throws Exception {
		// Both workers are held, so that the task can neither run before it is cancelled nor
		// leave the queue before it is counted, however slow this thread is: its delay expires
		// while it waits, and it leaves once a worker is free to take it.
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch blocked = new CountDownLatch(2);
		for (int i = 0; i < 2; i++) {
			this.executor.execute(() -> {
				blocked.countDown();
				awaitLatch(release);
			});
		}
		assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
		ScheduledFuture<?> timeout = this.executor.schedule(() -> { }, 50, TimeUnit.MILLISECONDS);
		assertThat(timeout.cancel(false)).isTrue();
		assertThat(this.executor.getTracker().probe().retainedCancelled()).isEqualTo(1);
		await().atMost(30, TimeUnit.SECONDS).until(() -> timeout.getDelay(TimeUnit.NANOSECONDS) <= 0);
		assertThat(this.executor.getTracker().probe().retainedCancelled()).isEqualTo(1);
		release.countDown();
		await().atMost(30, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(this.executor.getTracker().probe().retainedCancelled()).isZero());
		assertThat(this.executor.getQueue()).isEmpty();
	}

	@Test
	void countsNoRetainedTasksWhenRemoveOnCancelIsSet() {
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
		assertThat(this.executor.getQueue()).isEmpty();
		assertThat(this.executor.getTracker().probe().retainedCancelled()).isZero();
		assertThat(single(this.registry.origins()).cancelled()).isEqualTo(1);
	}

	@Test
	void underRemoveOnCancelCountsEveryTaskInExactlyOneState() throws Exception {
		this.executor.setRemoveOnCancelPolicy(true);
		assertThat(this.executor.submit(() -> "done").get(5, TimeUnit.SECONDS)).isEqualTo("done");
		Future<?> failing = this.executor.submit(() -> {
			throw new IllegalStateException("fails");
		});
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> failing.get(5, TimeUnit.SECONDS));
		ScheduledFuture<?> timeout = this.executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		assertThat(this.executor.getQueue()).contains((Runnable) timeout);
		timeout.cancel(false);
		assertThat(this.executor.getQueue()).isEmpty();
		CountDownLatch periodicRan = new CountDownLatch(2);
		ScheduledFuture<?> periodic = this.executor.scheduleAtFixedRate(periodicRan::countDown, 0, 2,
				TimeUnit.MILLISECONDS);
		assertThat(periodicRan.await(5, TimeUnit.SECONDS)).isTrue();
		periodic.cancel(false);
		OriginStats origin = single(this.registry.origins());
		await().untilAsserted(() -> {
			assertThat(origin.completed()).isEqualTo(1);
			assertThat(origin.failed()).isEqualTo(1);
			assertThat(origin.cancelled()).isEqualTo(2);
			assertThat(origin.pending()).isZero();
			assertThat(origin.running()).isZero();
		});
		assertIdentity(origin);
		assertThat(this.executor.getTracker().probe().retainedCancelled()).isZero();
	}

	@Test
	void underRemoveOnCancelCountsTasksCancelledByShutdown() throws Exception {
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
		this.executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		OriginStats origin = single(this.registry.origins());
		this.executor.shutdown();
		assertThat(origin.cancelled()).isEqualTo(2);
		assertThat(origin.pending()).isZero();
	}

	@Test
	void underRemoveOnCancelHoldsNoReferenceToTasksThatHaveEnded() throws Exception {
		this.executor.setRemoveOnCancelPolicy(true);
		assertEndedTasksCanBeCollected();
	}

	private void assertEndedTasksCanBeCollected() throws Exception {
		ScheduledFuture<?> cancelled = this.executor.schedule(new SharedTask(), 1, TimeUnit.HOURS);
		ScheduledFuture<?> completed = this.executor.schedule(new SharedTask(), 0, TimeUnit.MILLISECONDS);
		completed.get(5, TimeUnit.SECONDS);
		cancelled.cancel(false);
		this.executor.purge();
		WeakReference<Object> cancelledRef = new WeakReference<>(cancelled);
		WeakReference<Object> completedRef = new WeakReference<>(completed);
		cancelled = null;
		completed = null;
		await().atMost(10, TimeUnit.SECONDS).until(() -> {
			System.gc();
			return cancelledRef.get() == null && completedRef.get() == null;
		});
	}

	@Test
	void keepsExactCountsThroughShutdownOfALargeQueue() {
		for (int i = 0; i < 5_000; i++) {
			this.executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
			this.executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
			this.executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		}
		OriginStats origin = single(this.registry.origins());
		assertThat(this.executor.getTracker().probe().retainedCancelled()).isEqualTo(5_000);
		this.executor.shutdown();
		assertThat(this.executor.getQueue()).hasSize(5_000);
		assertThat(origin.pending()).isEqualTo(5_000);
		assertThat(origin.cancelled()).isEqualTo(10_000);
		assertThat(this.executor.getTracker().probe().retainedCancelled()).isZero();
		this.executor.shutdownNow();
		assertThat(origin.pending()).isZero();
		assertThat(origin.cancelled()).isEqualTo(15_000);
		assertIdentity(origin);
	}

	@Test
	void doesNotCountTasksTheExecutorRejects() {
		this.executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		OriginStats origin = single(this.registry.origins());
		this.executor.setRejectedExecutionHandler((task, executor) -> { });
		this.executor.shutdown();
		this.executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		assertThat(origin.scheduled()).isEqualTo(1);
		assertIdentity(origin);
	}

	@Test
	void removedTasksAreCountedAsCancelled() {
		ScheduledFuture<?> future = this.executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		assertThat(this.executor.remove((Runnable) future)).isTrue();
		OriginStats origin = single(this.registry.origins());
		assertThat(origin.pending()).isZero();
		assertThat(origin.cancelled()).isEqualTo(1);
	}

	@Test
	void holdsNoReferenceToTasksThatHaveEnded() throws Exception {
		assertEndedTasksCanBeCollected();
		assertThat(this.registry.origins()).isNotEmpty();
	}

	@Test
	void aFailureInsideTrackingNeverReachesTheTaskOrTheCaller() throws Exception {
		AtomicInteger clockReads = new AtomicInteger();
		TimerRegistry broken = new TimerRegistry(CallSiteLocator.withDefaults(), () -> {
			if (clockReads.incrementAndGet() > 1) {
				throw new IllegalStateException("broken clock");
			}
			return 0;
		}, 1000);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, broken, "broken");
		try {
			assertThat(executor.submit(() -> "still runs").get(5, TimeUnit.SECONDS)).isEqualTo("still runs");
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aFailingObserverNeverReachesTheTask() throws Exception {
		this.registry.setObserver(new TaskObserver() {
			@Override
			public void runStarted(OriginStats origin, long lagNanos) {
				throw new IllegalStateException("observer fails");
			}

			@Override
			public void runFinished(OriginStats origin, long durationNanos, @Nullable Throwable failure) {
				throw new IllegalStateException("observer fails");
			}
		});
		AtomicInteger runs = new AtomicInteger();
		assertThat(this.executor.submit(runs::incrementAndGet).get(5, TimeUnit.SECONDS)).isEqualTo(1);
		OriginStats origin = single(this.registry.origins());
		await().untilAsserted(() -> assertThat(origin.completed()).isEqualTo(1));
	}

	@Test
	void copiesTheConfigurationOfAnotherExecutor() {
		java.util.concurrent.ScheduledThreadPoolExecutor original = new java.util.concurrent.ScheduledThreadPoolExecutor(
				3, (runnable) -> new Thread(runnable, "custom"),
				new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
		original.setRemoveOnCancelPolicy(true);
		original.setContinueExistingPeriodicTasksAfterShutdownPolicy(true);
		original.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		original.setKeepAliveTime(7, TimeUnit.SECONDS);
		original.allowCoreThreadTimeOut(true);
		TrackingScheduledThreadPoolExecutor copy = TrackingScheduledThreadPoolExecutor.copyOf(original, this.registry,
				"copy");
		try {
			assertThat(copy.getCorePoolSize()).isEqualTo(3);
			assertThat(copy.getThreadFactory()).isSameAs(original.getThreadFactory());
			assertThat(copy.getRejectedExecutionHandler()).isSameAs(original.getRejectedExecutionHandler());
			assertThat(copy.getRemoveOnCancelPolicy()).isTrue();
			assertThat(copy.getContinueExistingPeriodicTasksAfterShutdownPolicy()).isTrue();
			assertThat(copy.getExecuteExistingDelayedTasksAfterShutdownPolicy()).isFalse();
			assertThat(copy.getKeepAliveTime(TimeUnit.SECONDS)).isEqualTo(7);
			assertThat(copy.allowsCoreThreadTimeOut()).isTrue();
		}
		finally {
			copy.shutdownNow();
			original.shutdownNow();
		}
	}

	@Test
	void stopsReportingASchedulerOnceItHasTerminated() throws Exception {
		this.executor.shutdown();
		assertThat(this.executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.registry.schedulers()).isEmpty();
	}

	static void assertIdentity(OriginStats origin) {
		assertThat(origin.scheduled()).as("scheduled = pending + running + completed + failed + cancelled")
			.isEqualTo(origin.pending() + origin.running() + origin.completed() + origin.failed()
					+ origin.cancelled());
	}

	static OriginStats single(List<OriginStats> origins) {
		assertThat(origins).hasSize(1);
		return origins.get(0);
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static final class SharedTask implements Runnable {

		@Override
		public void run() {
		}

	}


	@Test
	void aSubclassSeesEveryTaskInTheDecorateTaskOverloadTheRawExecutorCallsUnderEitherPolicy() throws Exception {
		for (boolean removeOnCancel : new boolean[] { false, true }) {
			CountingRaw raw = new CountingRaw();
			CountingTracked tracked = new CountingTracked(this.registry);
			try {
				for (ScheduledThreadPoolExecutor executor : List.of(raw, tracked)) {
					executor.setRemoveOnCancelPolicy(removeOnCancel);
					executor.schedule(() -> {
					}, 1, TimeUnit.HOURS);
					executor.schedule(() -> 1, 1, TimeUnit.HOURS);
					executor.execute(() -> {
					});
					executor.submit(() -> {
					}).get(5, TimeUnit.SECONDS);
					executor.scheduleAtFixedRate(() -> {
					}, 1, 1, TimeUnit.HOURS);
				}
				assertThat(raw.runnables).hasValue(4);
				assertThat(raw.callables).hasValue(1);
				assertThat(tracked.runnables).as("remove on cancel: %s", removeOnCancel).hasValue(4);
				assertThat(tracked.callables).as("remove on cancel: %s", removeOnCancel).hasValue(1);
			}
			finally {
				raw.shutdownNow();
				tracked.shutdownNow();
			}
		}
	}

	private static final class CountingRaw extends ScheduledThreadPoolExecutor {

		final AtomicInteger runnables = new AtomicInteger();

		final AtomicInteger callables = new AtomicInteger();

		CountingRaw() {
			super(1);
		}

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
			this.runnables.incrementAndGet();
			return super.decorateTask(runnable, task);
		}

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Callable<V> callable, RunnableScheduledFuture<V> task) {
			this.callables.incrementAndGet();
			return super.decorateTask(callable, task);
		}

	}

	private static final class CountingTracked extends TrackingScheduledThreadPoolExecutor {

		final AtomicInteger runnables = new AtomicInteger();

		final AtomicInteger callables = new AtomicInteger();

		CountingTracked(TimerRegistry registry) {
			super(1, registry, "counting");
		}

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
			this.runnables.incrementAndGet();
			return super.decorateTask(runnable, task);
		}

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Callable<V> callable, RunnableScheduledFuture<V> task) {
			this.callables.incrementAndGet();
			return super.decorateTask(callable, task);
		}

	}


	/**
	 * A task of a subclass around the executor's own, forwarding everything to it.
	 */
	static final class WrappedTask<V> implements RunnableScheduledFuture<V> {

		private final RunnableScheduledFuture<V> task;

		private final boolean comparesByDelay;

		WrappedTask(RunnableScheduledFuture<V> task) {
			this(task, false);
		}

		WrappedTask(RunnableScheduledFuture<V> task, boolean comparesByDelay) {
			this.task = task;
			this.comparesByDelay = comparesByDelay;
		}

		@Override
		public void run() {
			this.task.run();
		}

		@Override
		public boolean isPeriodic() {
			return this.task.isPeriodic();
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return this.task.getDelay(unit);
		}

		@Override
		public int compareTo(Delayed other) {
			if (this.comparesByDelay) {
				return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
			}
			return this.task.compareTo((other instanceof WrappedTask<?> wrapped) ? wrapped.task : other);
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			return this.task.cancel(mayInterruptIfRunning);
		}

		@Override
		public boolean isCancelled() {
			return this.task.isCancelled();
		}

		@Override
		public boolean isDone() {
			return this.task.isDone();
		}

		@Override
		public V get() throws InterruptedException, ExecutionException {
			return this.task.get();
		}

		@Override
		public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
			return this.task.get(timeout, unit);
		}

	}

	static final class WrappingExecutor extends ScheduledThreadPoolExecutor {

		private final boolean comparesByDelay;

		WrappingExecutor() {
			this(false);
		}

		WrappingExecutor(boolean comparesByDelay) {
			super(1);
			this.comparesByDelay = comparesByDelay;
		}

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
			return new WrappedTask<>(super.decorateTask(runnable, task), this.comparesByDelay);
		}

	}

	static final class WrappingTrackingExecutor extends TrackingScheduledThreadPoolExecutor {

		private final boolean comparesByDelay;

		WrappingTrackingExecutor(TimerRegistry registry) {
			this(registry, false);
		}

		WrappingTrackingExecutor(TimerRegistry registry, boolean comparesByDelay) {
			super(1, registry, "wrapping");
			this.comparesByDelay = comparesByDelay;
		}

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
			return new WrappedTask<>(super.decorateTask(runnable, task), this.comparesByDelay);
		}

	}

}
