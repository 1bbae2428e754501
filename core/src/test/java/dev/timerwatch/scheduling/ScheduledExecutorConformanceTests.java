package dev.timerwatch.scheduling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour the JSR-166 TCK's {@code ScheduledExecutorTest} expects of a
 * {@link ScheduledThreadPoolExecutor}, asserted by the same code against the raw JDK executor
 * and the tracking one: tracking must not change any of it.
 */
class ScheduledExecutorConformanceTests {

	private ScheduledThreadPoolExecutor executor;

	static Stream<Arguments> executors() {
		Supplier<ScheduledThreadPoolExecutor> raw = () -> new ScheduledThreadPoolExecutor(2);
		Supplier<ScheduledThreadPoolExecutor> tracked = () -> new TrackingScheduledThreadPoolExecutor(2,
				new TimerRegistry(), "conformance");
		Supplier<ScheduledThreadPoolExecutor> rawRemoving = () -> removeOnCancel(raw.get());
		Supplier<ScheduledThreadPoolExecutor> trackedRemoving = () -> removeOnCancel(tracked.get());
		return Stream.of(Arguments.of("raw", raw), Arguments.of("tracked", tracked),
				Arguments.of("raw, remove on cancel", rawRemoving),
				Arguments.of("tracked, remove on cancel", trackedRemoving));
	}

	private static ScheduledThreadPoolExecutor removeOnCancel(ScheduledThreadPoolExecutor executor) {
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

	@AfterEach
	void shutdown() throws InterruptedException {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	private ScheduledThreadPoolExecutor use(Supplier<ScheduledThreadPoolExecutor> factory) {
		this.executor = factory.get();
		return this.executor;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void nullTasksThrowNullPointerException(String name, Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		assertThatNullPointerException().isThrownBy(() -> executor.schedule((Runnable) null, 1, TimeUnit.SECONDS));
		assertThatNullPointerException()
			.isThrownBy(() -> executor.schedule((Callable<?>) null, 1, TimeUnit.SECONDS));
		assertThatNullPointerException()
			.isThrownBy(() -> executor.scheduleAtFixedRate(null, 1, 1, TimeUnit.SECONDS));
		assertThatNullPointerException()
			.isThrownBy(() -> executor.scheduleWithFixedDelay(null, 1, 1, TimeUnit.SECONDS));
		assertThatNullPointerException().isThrownBy(() -> executor.execute(null));
		assertThatNullPointerException().isThrownBy(() -> executor.submit((Runnable) null));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void aNullRejectionHandlerIsRefusedAtOnceAndTheHandlerKept(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		RejectedExecutionHandler handler = executor.getRejectedExecutionHandler();
		assertThatNullPointerException().isThrownBy(() -> executor.setRejectedExecutionHandler(null));
		assertThat(executor.getRejectedExecutionHandler()).isSameAs(handler);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void scheduleReturnsTheObjectThatSitsInTheQueueAndThatRemoveAccepts(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		ScheduledFuture<?> once = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
		Future<?> submitted = executor.submit(() -> sleep(200));
		assertThat(executor.getQueue()).contains((Runnable) once, (Runnable) periodic);
		assertThat((Object) once).isInstanceOf(RunnableScheduledFuture.class);
		assertThat(executor.remove((Runnable) once)).isTrue();
		assertThat(executor.remove((Runnable) periodic)).isTrue();
		assertThat(executor.getQueue()).doesNotContain((Runnable) once, (Runnable) periodic);
		assertThat(executor.remove((Runnable) once)).isFalse();
		assertThat((Object) submitted).isInstanceOf(RunnableScheduledFuture.class);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void rejectionHandlerReceivesTheExecutorTheCallerHolds(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		AtomicReference<ThreadPoolExecutor> seenExecutor = new AtomicReference<>();
		AtomicReference<Runnable> seenTask = new AtomicReference<>();
		RejectedExecutionHandler handler = (task, rejecting) -> {
			seenTask.set(task);
			seenExecutor.set(rejecting);
		};
		executor.setRejectedExecutionHandler(handler);
		assertThat(executor.getRejectedExecutionHandler()).isSameAs(handler);
		executor.shutdown();
		ScheduledFuture<?> future = executor.schedule(() -> { }, 1, TimeUnit.SECONDS);
		assertThat(seenExecutor.get()).isSameAs(executor);
		assertThat(seenTask.get()).isSameAs(future);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void abortPolicyThrowsRejectedExecutionExceptionAfterShutdown(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		assertThat(executor.getRejectedExecutionHandler()).isInstanceOf(ThreadPoolExecutor.AbortPolicy.class);
		executor.shutdown();
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> executor.schedule(() -> { }, 1, TimeUnit.SECONDS));
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> executor.execute(() -> { }));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownNowReturnsTheQueuedTasks(String name, Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		ScheduledFuture<?> first = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		ScheduledFuture<?> second = executor.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.HOURS);
		List<Runnable> drained = executor.shutdownNow();
		assertThat(drained).containsExactlyInAnyOrder((Runnable) first, (Runnable) second);
		assertThat(executor.isShutdown()).isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void anExceptionInAPeriodicTaskSuppressesItsLaterRuns(String name, Supplier<ScheduledThreadPoolExecutor> factory)
			throws Exception {
		ScheduledThreadPoolExecutor executor = use(factory);
		AtomicInteger runs = new AtomicInteger();
		ScheduledFuture<?> future = executor.scheduleAtFixedRate(() -> {
			runs.incrementAndGet();
			throw new IllegalStateException("boom");
		}, 0, 5, TimeUnit.MILLISECONDS);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(IllegalStateException.class);
		sleep(50);
		assertThat(runs).hasValue(1);
		assertThat(future.isDone()).isTrue();
		assertThat(future.isCancelled()).isFalse();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void periodicTasksAreCancelledOnShutdownByDefault(String name, Supplier<ScheduledThreadPoolExecutor> factory)
			throws Exception {
		ScheduledThreadPoolExecutor executor = use(factory);
		assertThat(executor.getContinueExistingPeriodicTasksAfterShutdownPolicy()).isFalse();
		ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
		executor.shutdown();
		assertThat(periodic.isCancelled()).isTrue();
		assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void periodicTasksContinueAfterShutdownWhenThePolicySaysSo(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		ScheduledThreadPoolExecutor executor = use(factory);
		executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(true);
		CountDownLatch runsAfterShutdown = new CountDownLatch(3);
		ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(runsAfterShutdown::countDown, 10, 5,
				TimeUnit.MILLISECONDS);
		executor.shutdown();
		assertThat(runsAfterShutdown.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(periodic.isCancelled()).isFalse();
		assertThat(executor.isTerminated()).isFalse();
		periodic.cancel(false);
		assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void delayedTasksRunAfterShutdownByDefault(String name, Supplier<ScheduledThreadPoolExecutor> factory)
			throws Exception {
		ScheduledThreadPoolExecutor executor = use(factory);
		ScheduledFuture<String> delayed = executor.schedule(() -> "ran", 20, TimeUnit.MILLISECONDS);
		executor.shutdown();
		assertThat(delayed.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void delayedTasksAreCancelledOnShutdownWhenThePolicySaysSo(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		ScheduledThreadPoolExecutor executor = use(factory);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		ScheduledFuture<String> delayed = executor.schedule(() -> "ran", 1, TimeUnit.HOURS);
		executor.shutdown();
		assertThat(delayed.isCancelled()).isTrue();
		assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void cancelledTasksStayQueuedUnlessRemoveOnCancelIsSet(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		executor.setRemoveOnCancelPolicy(false);
		ScheduledFuture<?> kept = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		assertThat(kept.cancel(false)).isTrue();
		assertThat(executor.getQueue()).contains((Runnable) kept);
		executor.setRemoveOnCancelPolicy(true);
		ScheduledFuture<?> removed = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		assertThat(removed.cancel(false)).isTrue();
		assertThat(executor.getQueue()).doesNotContain((Runnable) removed);
		executor.purge();
		assertThat(executor.getQueue()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void aCancelledPeriodicTaskStopsRunning(String name, Supplier<ScheduledThreadPoolExecutor> factory)
			throws Exception {
		ScheduledThreadPoolExecutor executor = use(factory);
		// One worker, so that a task submitted after the cancellation runs only once no run of
		// the periodic task is in progress any more: cancel(false) lets a run that has already
		// begun finish, and on a slow machine that run may end arbitrarily late.
		executor.setCorePoolSize(1);
		AtomicInteger runs = new AtomicInteger();
		ScheduledFuture<?> periodic = executor.scheduleWithFixedDelay(runs::incrementAndGet, 0, 2,
				TimeUnit.MILLISECONDS);
		await().atMost(30, TimeUnit.SECONDS).until(() -> runs.get() >= 3);
		assertThat(periodic.cancel(false)).isTrue();
		executor.submit(() -> { }).get(30, TimeUnit.SECONDS);
		int afterCancel = runs.get();
		Thread.sleep(50);
		assertThat(runs).hasValue(afterCancel);
		// Without remove-on-cancel the cancelled task leaves the queue only once its delay has
		// expired and the worker has taken it.
		await().atMost(30, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(executor.getQueue()).doesNotContain((Runnable) periodic).isEmpty());
		assertThat(runs).hasValue(afterCancel);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void purgeRemovesExactlyTheCancelledTasks(String name, Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		boolean removeOnCancel = executor.getRemoveOnCancelPolicy();
		List<ScheduledFuture<?>> kept = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			ScheduledFuture<?> future = executor.schedule(() -> { }, 1 + i, TimeUnit.MINUTES);
			if (i % 2 == 0) {
				future.cancel(false);
			}
			else {
				kept.add(future);
			}
		}
		assertThat(executor.getQueue()).hasSize(removeOnCancel ? 1_000 : 2_000);
		executor.purge();
		assertThat(executor.getQueue()).hasSize(1_000).containsExactlyInAnyOrderElementsOf(runnables(kept));
		assertThat(executor.getQueue().peek()).isSameAs(kept.get(0));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownDropsPeriodicAndCancelledTasksAndKeepsDelayedOnes(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		executor.setRemoveOnCancelPolicy(false);
		List<ScheduledFuture<?>> delayed = new ArrayList<>();
		List<ScheduledFuture<?>> periodic = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			delayed.add(executor.schedule(() -> { }, 1 + i, TimeUnit.MINUTES));
			periodic.add(executor.scheduleAtFixedRate(() -> { }, 1 + i, 60, TimeUnit.MINUTES));
		}
		List<ScheduledFuture<?>> cancelled = new ArrayList<>(delayed.subList(0, 100));
		cancelled.forEach((future) -> future.cancel(false));
		List<ScheduledFuture<?>> kept = new ArrayList<>(delayed.subList(100, 1_000));
		executor.shutdown();
		assertThat(executor.getQueue()).containsExactlyInAnyOrderElementsOf(runnables(kept));
		assertThat(periodic).allSatisfy((future) -> assertThat(future.isCancelled()).isTrue());
		assertThat(kept).allSatisfy((future) -> assertThat(future.isCancelled()).isFalse());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownNowReturnsEveryTaskOfALargeQueue(String name, Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		List<ScheduledFuture<?>> scheduled = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			scheduled.add((i % 3 == 0) ? executor.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.HOURS)
					: executor.schedule(() -> { }, 1 + i % 97, TimeUnit.MINUTES));
		}
		List<Runnable> drained = executor.shutdownNow();
		assertThat(drained).hasSize(20_000).containsExactlyInAnyOrderElementsOf(runnables(scheduled));
		assertThat(executor.getQueue()).isEmpty();
	}

	/**
	 * A queue of decorated and undecorated tasks, as remove-on-cancel switched on and off with
	 * tasks queued leaves it: the JDK's own tasks then ask decorated ones for their delay
	 * while it sifts the heap, in the middle of shutdown's and shutdownNow's work.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownOfAQueueOfBothKindsKeepsExactlyTheDelayedTasksInDelayOrder(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		List<ScheduledFuture<?>> delayed = new ArrayList<>();
		List<ScheduledFuture<?>> periodic = new ArrayList<>();
		scheduleWithThePolicySwitching(executor, delayed, periodic);
		// The JDK's own tasks at the head: the scan takes one out first, sifting the heap.
		executor.setRemoveOnCancelPolicy(true);
		periodic.add(executor.scheduleAtFixedRate(() -> { }, 1, 60, TimeUnit.MINUTES));
		ScheduledFuture<?> soonest = executor.schedule(() -> { }, 30, TimeUnit.MINUTES);
		delayed.add(soonest);
		executor.shutdown();
		assertThat(executor.getQueue()).containsExactlyInAnyOrderElementsOf(runnables(delayed));
		assertThat(executor.getQueue().peek()).isSameAs(soonest);
		assertThat(periodic).allSatisfy((future) -> assertThat(future.isCancelled()).isTrue());
		assertThat(delayed).allSatisfy((future) -> assertThat(future.isCancelled()).isFalse());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownNowOfAQueueOfBothKindsReturnsEveryTaskOnce(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		List<ScheduledFuture<?>> delayed = new ArrayList<>();
		List<ScheduledFuture<?>> periodic = new ArrayList<>();
		scheduleWithThePolicySwitching(executor, delayed, periodic);
		// The JDK's own task at the head, not due: the drain then takes tasks out one by one.
		executor.setRemoveOnCancelPolicy(true);
		delayed.add(executor.schedule(() -> { }, 1, TimeUnit.MINUTES));
		List<ScheduledFuture<?>> all = new ArrayList<>(delayed);
		all.addAll(periodic);
		assertThat(executor.shutdownNow()).containsExactlyInAnyOrderElementsOf(runnables(all));
		assertThat(executor.getQueue()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownLeavesTheKeptTasksOfBothKindsInDelayOrder(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		// The heap [1 min, 60, 30, 120, 120, 40]: once the two periodic tasks are dropped, the
		// 40-minute task is put back below a 120-minute one of the other kind, and must rise
		// above it and above the 60-minute head.
		executor.setRemoveOnCancelPolicy(false);
		executor.scheduleAtFixedRate(() -> { }, 1, 60, TimeUnit.MINUTES);
		executor.schedule(() -> { }, 60, TimeUnit.MINUTES);
		executor.scheduleAtFixedRate(() -> { }, 30, 60, TimeUnit.MINUTES);
		executor.schedule(() -> { }, 120, TimeUnit.MINUTES);
		executor.schedule(() -> { }, 121, TimeUnit.MINUTES);
		executor.setRemoveOnCancelPolicy(true);
		ScheduledFuture<?> soonest = executor.schedule(() -> { }, 40, TimeUnit.MINUTES);
		executor.shutdown();
		assertThat(executor.getQueue()).hasSize(4);
		assertThat(executor.getQueue().peek()).isSameAs(soonest);
		Object[] heap = executor.getQueue().toArray();
		for (int i = 1; i < heap.length; i++) {
			assertThat(((Delayed) heap[(i - 1) / 2]).getDelay(TimeUnit.NANOSECONDS))
				.as("parent of %d", i)
				.isLessThanOrEqualTo(((Delayed) heap[i]).getDelay(TimeUnit.NANOSECONDS));
		}
	}

	// Tasks of both kinds, the policy switched every few tasks, with delays in no order.
	private static void scheduleWithThePolicySwitching(ScheduledThreadPoolExecutor executor,
			List<ScheduledFuture<?>> delayed, List<ScheduledFuture<?>> periodic) {
		for (int i = 0; i < 300; i++) {
			executor.setRemoveOnCancelPolicy((i / 7) % 2 == 1);
			long minutes = 60 + (i * 37) % 101;
			if (i % 3 == 0) {
				periodic.add(executor.scheduleAtFixedRate(() -> { }, minutes, 60, TimeUnit.MINUTES));
			}
			else {
				delayed.add(executor.schedule(() -> { }, minutes, TimeUnit.MINUTES));
			}
		}
	}

	private static List<Runnable> runnables(List<ScheduledFuture<?>> futures) {
		return futures.stream().map(Runnable.class::cast).toList();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void aCancelledFutureReportsCancellation(String name, Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		ScheduledFuture<?> future = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
		assertThat(future.cancel(true)).isTrue();
		assertThat(future.cancel(true)).isFalse();
		assertThat(future.isCancelled()).isTrue();
		assertThat(future.isDone()).isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(future::get);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void invokeAllAndInvokeAnyReturnTheResults(String name, Supplier<ScheduledThreadPoolExecutor> factory)
			throws Exception {
		ScheduledThreadPoolExecutor executor = use(factory);
		List<Future<Integer>> all = executor.invokeAll(List.of(() -> 1, () -> 2));
		assertThat(all).extracting(Future::get).containsExactly(1, 2);
		assertThat(executor.invokeAny(List.<Callable<Integer>>of(() -> 7))).isEqualTo(7);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void tasksRunInDelayOrder(String name, Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		ScheduledThreadPoolExecutor executor = use(factory);
		executor.setCorePoolSize(1);
		StringBuffer order = new StringBuffer();
		CountDownLatch done = new CountDownLatch(3);
		// Trigger times are fixed against one deadline far enough out that a slow machine
		// (class loading, a busy CI core) cannot let the first task fire before the others
		// are scheduled: delays relative to "now" at each call made this test flaky.
		long base = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
		scheduleAt(executor, base + TimeUnit.MILLISECONDS.toNanos(30), order, 'c', done);
		scheduleAt(executor, base + TimeUnit.MILLISECONDS.toNanos(10), order, 'a', done);
		scheduleAt(executor, base + TimeUnit.MILLISECONDS.toNanos(20), order, 'b', done);
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(order).hasToString("abc");
	}

	private static void scheduleAt(ScheduledThreadPoolExecutor executor, long nanoTime, StringBuffer order, char mark,
			CountDownLatch done) {
		executor.schedule(() -> {
			order.append(mark);
			done.countDown();
		}, nanoTime - System.nanoTime(), TimeUnit.NANOSECONDS);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}


	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void aTaskThatIsBothRunnableAndCallableIsRunWhenScheduledAsARunnable(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		ScheduledThreadPoolExecutor executor = use(factory);
		RunnableAndCallable once = new RunnableAndCallable();
		assertThat(executor.schedule((Runnable) once, 0, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS)).isNull();
		RunnableAndCallable submitted = new RunnableAndCallable();
		assertThat(executor.submit((Runnable) submitted).get(5, TimeUnit.SECONDS)).isNull();
		RunnableAndCallable periodic = new RunnableAndCallable();
		ScheduledFuture<?> repeating = executor.scheduleAtFixedRate(periodic, 0, 10, TimeUnit.MILLISECONDS);
		await().atMost(5, TimeUnit.SECONDS).until(() -> periodic.runs.get() >= 2);
		repeating.cancel(false);
		for (RunnableAndCallable task : List.of(once, submitted, periodic)) {
			assertThat(task.calls).hasValue(0);
			assertThat(task.runs.get()).isPositive();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void theFutureOfAScheduledRunnablePrintsAsTheRawExecutorsDoes(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) {
		ScheduledThreadPoolExecutor executor = use(factory);
		ScheduledThreadPoolExecutor raw = new ScheduledThreadPoolExecutor(1);
		raw.setRemoveOnCancelPolicy(executor.getRemoveOnCancelPolicy());
		try {
			Runnable task = new Runnable() {

				@Override
				public void run() {
				}

				@Override
				public String toString() {
					return "the user's task";
				}

			};
			String expected = printed(raw.schedule(task, 1, TimeUnit.HOURS));
			assertThat(expected).contains("the user's task");
			assertThat(printed(executor.schedule(task, 1, TimeUnit.HOURS))).isEqualTo(expected);
		}
		finally {
			raw.shutdownNow();
		}
	}

	private static String printed(Future<?> future) {
		return future.toString().replaceAll("@[0-9a-f]+", "@");
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
			return "not for a runnable";
		}

	}

}
