package dev.timerwatch.scheduling;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.timerwatch.fixtures.SubmitQueueingExecutor;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

/**
 * Per-origin counts stay exact where the tracker and the scheduler could disagree: runs that
 * overlap, cancellations that race runs, arguments the scheduler refuses, and shutdowns. Each
 * decorator is checked: the tracking {@code ScheduledThreadPoolExecutor} under both policies
 * and the interface decorator.
 */
class ExactAccountingTests {

	static Stream<Arguments> decorators() {
		return Stream.of(Arguments.of("tracking executor", decorator((registry) -> tracking(registry, false))),
				Arguments.of("tracking executor, remove on cancel", decorator((registry) -> tracking(registry, true))),
				Arguments.of("interface decorator", decorator((registry) -> new TrackingScheduledExecutorService(
						Executors.newScheduledThreadPool(2), registry, "decorated"))));
	}

	// Every decorator, and the interface decorator over an executor whose submit is its own
	// (futures that are no ScheduledFuture, as a ForkJoinPool's on Java 25).
	static Stream<Arguments> submitters() {
		return Stream.concat(decorators(),
				Stream.of(Arguments.of("interface decorator, executor's own submit", decorator(
						(registry) -> new TrackingScheduledExecutorService(new SubmitQueueingExecutor(), registry,
								"queueing")))));
	}

	private static Function<TimerRegistry, ScheduledExecutorService> decorator(
			Function<TimerRegistry, ScheduledExecutorService> factory) {
		return factory;
	}

	private static ScheduledExecutorService tracking(TimerRegistry registry, boolean removeOnCancel) {
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(2, registry, "tracking");
		executor.setRemoveOnCancelPolicy(removeOnCancel);
		return executor;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("decorators")
	void aFutureCancelledWhileItsTaskRunsCountsAsCancelled(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = factory.apply(registry);
		try {
			CountDownLatch running = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			ScheduledFuture<?> future = executor.schedule(() -> {
				running.countDown();
				awaitLatch(release);
			}, 0, TimeUnit.MILLISECONDS);
			awaitLatch(running);
			assertThat(future.cancel(false)).isTrue();
			release.countDown();
			await().atMost(30, TimeUnit.SECONDS).until(() -> origin(registry).running() == 0);
			OriginStats origin = origin(registry);
			assertThat(origin.cancelled()).isEqualTo(1);
			assertThat(origin.completed()).isZero();
			assertIdentity(origin);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("decorators")
	void cancellationsRacingTheEndOfRunsAreCountedAsTheFuturesSay(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = factory.apply(registry);
		List<ScheduledFuture<?>> futures = new ArrayList<>();
		try {
			for (int i = 0; i < 4_000; i++) {
				ScheduledFuture<?> future = executor.schedule(() -> spin(2_000), 0, TimeUnit.NANOSECONDS);
				spin(1_000 + (i % 7) * 500);
				future.cancel(false);
				futures.add(future);
			}
			for (ScheduledFuture<?> future : futures) {
				try {
					future.get(5, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					// Cancelled: counted below.
				}
			}
			await().atMost(30, TimeUnit.SECONDS).until(() -> origin(registry).running() == 0);
			OriginStats origin = origin(registry);
			long cancelled = futures.stream().filter(ScheduledFuture::isCancelled).count();
			assertThat(origin.cancelled()).isEqualTo(cancelled);
			assertThat(origin.completed()).isEqualTo(futures.size() - cancelled);
			assertThat(origin.pending()).isZero();
			assertIdentity(origin);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("submitters")
	void submissionsCancelledRacingTheirRunsAreCountedAsTheFuturesSay(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = factory.apply(registry);
		List<Future<?>> futures = new ArrayList<>();
		try {
			for (int i = 0; i < 4_000; i++) {
				Future<?> future = (i % 2 == 0) ? executor.submit(() -> spin(2_000))
						: executor.submit(() -> spin(2_000), "done");
				spin(1_000 + (i % 7) * 500);
				future.cancel(i % 3 == 0);
				futures.add(future);
			}
			for (Future<?> future : futures) {
				try {
					future.get(5, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					// Cancelled: counted below.
				}
			}
			await().atMost(30, TimeUnit.SECONDS).until(() -> origin(registry).running() == 0);
			OriginStats origin = origin(registry);
			long cancelled = futures.stream().filter(Future::isCancelled).count();
			assertThat(cancelled).as("cancellations that won").isPositive().isLessThan(futures.size());
			assertThat(origin.cancelled()).isEqualTo(cancelled);
			assertThat(origin.completed()).isEqualTo(futures.size() - cancelled);
			assertThat(origin.pending()).isZero();
			assertIdentity(origin);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("decorators")
	void aScheduleCallTheExecutorRefusesLeavesNoTaskBehind(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = factory.apply(registry);
		try {
			assertThatIllegalArgumentException().isThrownBy(() -> executor.scheduleAtFixedRate(() -> { }, 1, 0,
					TimeUnit.SECONDS));
			assertThatIllegalArgumentException().isThrownBy(() -> executor.scheduleWithFixedDelay(() -> { }, 1, -1,
					TimeUnit.SECONDS));
			assertThatNullPointerException().isThrownBy(() -> executor.schedule(() -> { }, 1, null));
			assertThatNullPointerException().isThrownBy(() -> executor.scheduleAtFixedRate(() -> { }, 1, 1, null));
			for (OriginStats origin : registry.origins()) {
				assertThat(origin.pending()).as(origin.toString()).isZero();
				assertThat(origin.scheduled()).as(origin.toString()).isZero();
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("decorators")
	void aCheckedExceptionThrownSneakilyReachesTheFutureAsItIs(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = factory.apply(registry);
		try {
			ScheduledFuture<?> future = executor.schedule(() -> sneakyThrow(new IOException("disk")), 0,
					TimeUnit.MILLISECONDS);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(5, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(IOException.class);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("decorators")
	void runsReportHowLateTheyStart(String name, Function<TimerRegistry, ScheduledExecutorService> factory) {
		TimerRegistry registry = new TimerRegistry();
		List<Long> lags = new CopyOnWriteArrayList<>();
		registry.setObserver(new TaskObserver() {
			@Override
			public void runStarted(OriginStats origin, long lagNanos) {
				if (lagNanos >= 0) {
					lags.add(lagNanos);
				}
			}
		});
		ScheduledExecutorService executor = factory.apply(registry);
		try {
			executor.scheduleAtFixedRate(() -> { }, 10, 10, TimeUnit.MILLISECONDS);
			await().atMost(30, TimeUnit.SECONDS).until(() -> lags.size() >= 5);
			// Each lag on its own: a fixed-rate task catching up after its thread was starved
			// starts many runs late at once, so their sum grows with the square of the stall.
			// A lag in the wrong unit or against the wrong clock is off by orders of magnitude.
			assertThat(List.copyOf(lags).subList(0, 5)).allSatisfy((lag) -> assertThat(lag).isLessThan(TimeUnit.SECONDS.toNanos(5)));
		}
		finally {
			executor.shutdownNow();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("decorators")
	void overlappingFixedRateRunsWhoseLastRunThrowsLeaveNothingPending(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = factory.apply(registry);
		List<ScheduledFuture<?>> futures = new ArrayList<>();
		try {
			for (int i = 0; i < 20_000; i++) {
				AtomicInteger runs = new AtomicInteger();
				futures.add(executor.scheduleAtFixedRate(() -> {
					if (runs.incrementAndGet() == 3) {
						throw new IllegalStateException("third run");
					}
				}, 0, 1, TimeUnit.NANOSECONDS));
			}
			await().atMost(30, TimeUnit.SECONDS).until(() -> futures.stream().allMatch(ScheduledFuture::isDone));
			await().atMost(30, TimeUnit.SECONDS).until(() -> origin(registry).running() == 0);
			OriginStats origin = origin(registry);
			assertThat(origin.pending()).isZero();
			assertThat(origin.failed()).isEqualTo(futures.size());
			assertIdentity(origin);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aRunningPeriodicTaskKeepsItsPlaceWhileEpochsPassAndBucketsAreFolded() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, registry, "ticker");
		try {
			CountDownLatch running = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			startTicker(executor, 0, () -> {
				running.countDown();
				awaitLatch(release);
			});
			awaitLatch(running);
			for (int i = 0; i < 3; i++) {
				clock.addAndGet(1_000);
				registry.advance();
			}
			// A second ticker from the same line opens a new bucket for the origin.
			startTicker(executor, 1, () -> {
			});
			for (int i = 0; i < 3; i++) {
				clock.addAndGet(1_000);
				registry.advance();
			}
			release.countDown();
			await().atMost(30, TimeUnit.SECONDS).until(() -> origin(registry).running() == 0);
			clock.addAndGet(1_000);
			registry.advance();
			OriginStats origin = origin(registry);
			assertThat(origin.pending()).isEqualTo(2);
			assertIdentity(origin);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void startTicker(ScheduledExecutorService executor, long initialDelayHours, Runnable body) {
		executor.scheduleAtFixedRate(body, initialDelayHours, 1, TimeUnit.HOURS);
	}

	@Test
	void periodicTasksAnInterfaceDecoratedExecutorCancelsOnShutdownCountAsCancelled() throws Exception {
		TimerRegistry registry = new TimerRegistry();
		TrackingScheduledExecutorService executor = new TrackingScheduledExecutorService(
				Executors.newScheduledThreadPool(2), registry, "decorated");
		for (int i = 0; i < 1_000; i++) {
			executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
		}
		OriginStats origin = origin(registry);
		executor.shutdown();
		assertThat(origin.pending()).isZero();
		assertThat(origin.cancelled()).isEqualTo(1_000);
		assertIdentity(origin);
	}

	/**
	 * {@code shutdownNow} on one thread settles the periodic tasks it drained as it closes the
	 * tracker; {@code awaitTermination} on another may close it too, at the same moment. Each
	 * thread, once its call has returned, must read the settled counts.
	 */
	@Test
	void threadsThatShutDownAndAwaitTerminationAtOnceBothReadSettledCounts() throws Exception {
		int repetitions = Integer.getInteger("timerwatch.race.repetitions", 500) / 5;
		for (int repetition = 0; repetition < repetitions; repetition++) {
			TimerRegistry registry = new TimerRegistry();
			TrackingScheduledExecutorService executor = new TrackingScheduledExecutorService(
					Executors.newScheduledThreadPool(1), registry, "decorated");
			for (int i = 0; i < 200; i++) {
				executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
			}
			OriginStats origin = origin(registry);
			CountDownLatch start = new CountDownLatch(1);
			AtomicLong pendingAfterShutdownNow = new AtomicLong(-1);
			AtomicLong pendingAfterAwait = new AtomicLong(-1);
			Thread stopper = new Thread(() -> {
				awaitLatch(start);
				executor.shutdownNow();
				pendingAfterShutdownNow.set(origin.pending());
			});
			Thread waiter = new Thread(() -> {
				awaitLatch(start);
				try {
					while (!executor.awaitTermination(10, TimeUnit.MILLISECONDS)) {
						Thread.onSpinWait();
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				pendingAfterAwait.set(origin.pending());
			});
			stopper.start();
			waiter.start();
			start.countDown();
			stopper.join(10_000);
			waiter.join(10_000);
			assertThat(pendingAfterShutdownNow).as("repetition %d: after shutdownNow", repetition).hasValue(0);
			assertThat(pendingAfterAwait).as("repetition %d: after awaitTermination", repetition).hasValue(0);
		}
	}

	@Test
	void anInterfaceDecoratedExecutorThatTerminatesLeavesTheRegistryWithoutBeingAwaited() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000);
		ScheduledThreadPoolExecutor raw = new ScheduledThreadPoolExecutor(1);
		TrackingScheduledExecutorService executor = new TrackingScheduledExecutorService(raw, registry, "decorated");
		executor.schedule(() -> { }, 200, TimeUnit.MILLISECONDS);
		executor.shutdown();
		assertThat(registry.schedulers()).hasSize(1);
		await().atMost(30, TimeUnit.SECONDS).until(raw::isTerminated);
		clock.addAndGet(1_000);
		registry.advance();
		assertThat(registry.schedulers()).isEmpty();
		OriginStats origin = executor.getTracker().origins().iterator().next();
		assertThat(origin.pending()).isZero();
		assertThat(origin.completed()).isEqualTo(1);
	}

	@Test
	void aDelegateThatReturnsNoFutureGetsNoneBack() {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService returnsNull = new ScheduledThreadPoolExecutor(1) {
			@Override
			public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
				super.schedule(command, delay, unit);
				return null;
			}
		};
		TrackingScheduledExecutorService executor = new TrackingScheduledExecutorService(returnsNull, registry,
				"returns-null");
		try {
			assertThat((Object) executor.schedule(() -> { }, 1, TimeUnit.HOURS)).isNull();
		}
		finally {
			executor.shutdownNow();
		}
	}

	static OriginStats origin(TimerRegistry registry) {
		List<OriginStats> origins = registry.origins();
		assertThat(origins).hasSize(1);
		return origins.get(0);
	}

	static void assertIdentity(OriginStats origin) {
		assertThat(origin.scheduled()).as("scheduled = pending + running + completed + failed + cancelled")
			.isEqualTo(origin.pending() + origin.running() + origin.completed() + origin.failed() + origin.cancelled());
	}

	private static void spin(long nanos) {
		long end = System.nanoTime() + nanos;
		while (System.nanoTime() < end) {
			Thread.onSpinWait();
		}
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> void sneakyThrow(Throwable ex) throws E {
		throw (E) ex;
	}

}
