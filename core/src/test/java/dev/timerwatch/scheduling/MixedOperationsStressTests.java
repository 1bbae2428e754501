package dev.timerwatch.scheduling;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Eight threads each run a long mix of operations on one tracked scheduler: one-shot and
 * periodic tasks, cancellations racing runs, tasks that throw, {@code execute} and
 * {@code submit}. Afterwards the per-origin counts must equal what the futures themselves
 * report, and the pending count must equal the live tasks in the executor's queue.
 */
class MixedOperationsStressTests {

	private static final int THREADS = 8;

	private static final int OPERATIONS = Integer.getInteger("timerwatch.stress.operations", 200_000);

	static Stream<Arguments> schedulers() {
		return Stream.of(Arguments.of("tracking executor", scheduler(false, false)),
				Arguments.of("tracking executor, remove on cancel", scheduler(false, true)),
				Arguments.of("interface decorator", scheduler(true, false)),
				Arguments.of("interface decorator, remove on cancel", scheduler(true, true)));
	}

	private static BiFunction<TimerRegistry, ScheduledThreadPoolExecutor[], ScheduledExecutorService> scheduler(
			boolean decorator, boolean removeOnCancel) {
		return (registry, raw) -> {
			ScheduledThreadPoolExecutor executor = decorator ? new ScheduledThreadPoolExecutor(2)
					: new TrackingScheduledThreadPoolExecutor(2, registry, "stress");
			executor.setRemoveOnCancelPolicy(removeOnCancel);
			raw[0] = executor;
			return decorator ? new TrackingScheduledExecutorService(executor, registry, "stress") : executor;
		};
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("schedulers")
	void countsMatchTheFuturesAfterMillionsOfMixedOperations(String name,
			BiFunction<TimerRegistry, ScheduledThreadPoolExecutor[], ScheduledExecutorService> factory)
			throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledThreadPoolExecutor[] raw = new ScheduledThreadPoolExecutor[1];
		ScheduledExecutorService scheduler = factory.apply(registry, raw);
		Queue<Future<?>> futures = new ConcurrentLinkedQueue<>();
		Queue<ScheduledFuture<?>> kept = new ConcurrentLinkedQueue<>();
		LongAdder executedOk = new LongAdder();
		LongAdder executedFailed = new LongAdder();
		try {
			runConcurrently(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				List<ScheduledFuture<?>> periodic = new ArrayList<>();
				for (int i = 0; i < OPERATIONS; i++) {
					int choice = random.nextInt(100);
					if (choice < 35) {
						ScheduledFuture<?> timeout = scheduler.schedule(() -> { }, random.nextInt(2_000),
								TimeUnit.MICROSECONDS);
						if (random.nextBoolean()) {
							timeout.cancel(random.nextBoolean());
						}
						futures.add(timeout);
					}
					else if (choice < 50) {
						futures.add(scheduler.schedule(() -> {
							throw new IllegalStateException("one-shot failure");
						}, random.nextInt(500), TimeUnit.MICROSECONDS));
					}
					else if (choice < 60) {
						AtomicInteger runs = new AtomicInteger();
						int failOn = random.nextInt(2, 6);
						ScheduledFuture<?> ticker = scheduler.scheduleAtFixedRate(() -> {
							if (runs.incrementAndGet() == failOn) {
								throw new IllegalStateException("periodic failure");
							}
						}, 0, random.nextInt(1, 200), TimeUnit.MICROSECONDS);
						futures.add(ticker);
					}
					else if (choice < 70) {
						periodic.add(scheduler.scheduleWithFixedDelay(() -> { }, 0, random.nextInt(1, 500),
								TimeUnit.MICROSECONDS));
						if (periodic.size() > 8) {
							ScheduledFuture<?> stopped = periodic.remove(0);
							stopped.cancel(random.nextBoolean());
							futures.add(stopped);
						}
					}
					else if (choice < 80) {
						boolean fail = random.nextInt(4) == 0;
						scheduler.execute(() -> {
							if (fail) {
								executedFailed.increment();
								throw new IllegalStateException("executed failure");
							}
							executedOk.increment();
						});
					}
					else if (choice < 90) {
						futures.add(scheduler.submit(() -> random.nextInt()));
					}
					else {
						ScheduledFuture<?> longTimeout = scheduler.schedule(() -> { }, 1, TimeUnit.HOURS);
						if (random.nextInt(4) == 0) {
							longTimeout.cancel(false);
							futures.add(longTimeout);
						}
						else {
							kept.add(longTimeout);
						}
					}
				}
				for (ScheduledFuture<?> stopped : periodic) {
					stopped.cancel(false);
					futures.add(stopped);
				}
			});
			await().atMost(120, TimeUnit.SECONDS).until(() -> futures.stream().allMatch(Future::isDone));
			await().atMost(30, TimeUnit.SECONDS)
				.until(() -> registry.origins().stream().mapToLong(OriginStats::running).sum() == 0
						&& executedOk.sum() + executedFailed.sum() == countExecuted(registry, futures, kept));

			long cancelled = futures.stream().filter(Future::isCancelled).count();
			long failed = futures.stream().filter(MixedOperationsStressTests::failed).count()
					+ executedFailed.sum();
			long completed = futures.size() - cancelled - failed + executedFailed.sum() + executedOk.sum();
			Totals totals = Totals.of(registry);
			assertThat(totals.cancelled).as("cancelled").isEqualTo(cancelled);
			assertThat(totals.failed).as("failed").isEqualTo(failed);
			assertThat(totals.completed).as("completed").isEqualTo(completed);
			assertThat(totals.pending).as("pending").isEqualTo(kept.size());
			assertThat(totals.running).as("running").isZero();
			long liveInQueue = raw[0].getQueue()
				.stream()
				.filter((task) -> !((Future<?>) task).isCancelled())
				.count();
			assertThat(totals.pending).as("pending = live tasks in the queue").isEqualTo(liveInQueue);
			for (OriginStats origin : registry.origins()) {
				ExactAccountingTests.assertIdentity(origin);
			}
		}
		finally {
			scheduler.shutdownNow();
		}
	}

	// Executed tasks have no future: they are the admitted tasks that are not behind one.
	private static long countExecuted(TimerRegistry registry, Queue<Future<?>> futures, Queue<?> kept) {
		Totals totals = Totals.of(registry);
		return totals.scheduled - futures.size() - kept.size();
	}

	private static boolean failed(Future<?> future) {
		if (future.isCancelled()) {
			return false;
		}
		try {
			future.get();
			return false;
		}
		catch (ExecutionException ex) {
			return true;
		}
		catch (CancellationException | InterruptedException ex) {
			return false;
		}
	}

	private static void runConcurrently(Runnable work) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
		for (int i = 0; i < THREADS; i++) {
			Thread thread = new Thread(() -> {
				try {
					start.await();
					work.run();
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			thread.start();
			threads.add(thread);
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(failures).isEmpty();
	}

	private record Totals(long scheduled, long pending, long running, long completed, long failed, long cancelled) {

		static Totals of(TimerRegistry registry) {
			long scheduled = 0;
			long pending = 0;
			long running = 0;
			long completed = 0;
			long failed = 0;
			long cancelled = 0;
			for (OriginStats origin : registry.origins()) {
				scheduled += origin.scheduled();
				pending += origin.pending();
				running += origin.running();
				completed += origin.completed();
				failed += origin.failed();
				cancelled += origin.cancelled();
			}
			return new Totals(scheduled, pending, running, completed, failed, cancelled);
		}

	}

}
