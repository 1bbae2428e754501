package dev.timerwatch.scheduling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads scheduling, cancelling and running at once must leave exact counts.
 */
class ConcurrentTrackingTests {

	private static final int THREADS = 8;

	private static final int TASKS_PER_THREAD = 100_000;

	@Test
	void eightThreadsSchedulingAndCancellingLeaveExactCounts() throws Exception {
		TimerRegistry registry = new TimerRegistry();
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(2, registry, "shared");
		executor.setRemoveOnCancelPolicy(true);
		try {
			runConcurrently(() -> {
				for (int i = 0; i < TASKS_PER_THREAD; i++) {
					ScheduledFuture<?> timeout = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
					timeout.cancel(false);
				}
			});
			OriginStats origin = TrackingScheduledThreadPoolExecutorTests.single(registry.origins());
			assertThat(origin.scheduled()).isEqualTo((long) THREADS * TASKS_PER_THREAD);
			assertThat(origin.cancelled()).isEqualTo((long) THREADS * TASKS_PER_THREAD);
			assertThat(origin.pending()).isZero();
			assertThat(executor.getQueue()).isEmpty();
			TrackingScheduledThreadPoolExecutorTests.assertIdentity(origin);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void eightThreadsRacingCancellationAgainstRunsLeaveExactCounts() throws Exception {
		TimerRegistry registry = new TimerRegistry();
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(2, registry, "racing");
		LongAdder ran = new LongAdder();
		LongAdder cancelledByCaller = new LongAdder();
		try {
			runConcurrently(() -> {
				for (int i = 0; i < TASKS_PER_THREAD; i++) {
					ScheduledFuture<?> task = executor.schedule(ran::increment, 0, TimeUnit.NANOSECONDS);
					if ((i & 1) == 0 && task.cancel(false)) {
						cancelledByCaller.increment();
					}
				}
			});
			executor.shutdown();
			assertThat(executor.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
			OriginStats origin = TrackingScheduledThreadPoolExecutorTests.single(
					List.copyOf(executor.getTracker().origins()));
			assertThat(origin.scheduled()).isEqualTo((long) THREADS * TASKS_PER_THREAD);
			assertThat(origin.cancelled()).isEqualTo(cancelledByCaller.sum());
			assertThat(origin.completed()).isEqualTo(origin.scheduled() - cancelledByCaller.sum())
				.isLessThanOrEqualTo(ran.sum());
			assertThat(origin.pending()).isZero();
			assertThat(origin.running()).isZero();
			assertThat(executor.getTracker().countedRetainedCancelled()).isZero();
			TrackingScheduledThreadPoolExecutorTests.assertIdentity(origin);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void eightThreadsThroughTheInterfaceDecoratorLeaveExactCounts() throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService raw = Executors.newSingleThreadScheduledExecutor();
		TrackingScheduledExecutorService executor = new TrackingScheduledExecutorService(raw, registry, "decorated");
		LongAdder ran = new LongAdder();
		LongAdder cancelledByCaller = new LongAdder();
		try {
			runConcurrently(() -> {
				for (int i = 0; i < TASKS_PER_THREAD / 4; i++) {
					ScheduledFuture<?> task = executor.schedule(ran::increment, 0, TimeUnit.NANOSECONDS);
					if ((i & 1) == 0 && task.cancel(false)) {
						cancelledByCaller.increment();
					}
				}
			});
			OriginStats origin = TrackingScheduledThreadPoolExecutorTests.single(registry.origins());
			executor.shutdown();
			assertThat(executor.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
			assertThat(origin.scheduled()).isEqualTo((long) THREADS * TASKS_PER_THREAD / 4);
			// A decorator outside the executor sees its command return before the executor's
			// future records the result, so a cancel can still succeed in between: that task
			// ran to completion and is counted completed, which keeps the counters monotonic.
			assertThat(origin.cancelled()).isLessThanOrEqualTo(cancelledByCaller.sum())
				.isGreaterThan(cancelledByCaller.sum() - 100);
			assertThat(origin.completed() + origin.cancelled()).isEqualTo(origin.scheduled());
			assertThat(origin.completed()).isLessThanOrEqualTo(ran.sum());
			assertThat(origin.pending()).isZero();
			TrackingScheduledThreadPoolExecutorTests.assertIdentity(origin);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void runConcurrently(Runnable work) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> results = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			results.add(threads.submit(() -> {
				start.await();
				work.run();
				return null;
			}));
		}
		start.countDown();
		for (Future<?> result : results) {
			result.get(120, TimeUnit.SECONDS);
		}
		threads.shutdown();
	}

}
