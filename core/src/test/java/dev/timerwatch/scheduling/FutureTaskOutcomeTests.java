package dev.timerwatch.scheduling;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A runnable that is itself a future, as the {@code FutureTask}s {@code invokeAll} hands to
 * {@code execute}, returns from its run whatever became of it: cancelled at {@code invokeAll}'s
 * timeout while it ran, or failed. Each tracked executor counts it as its future says.
 */
class FutureTaskOutcomeTests {

	static Stream<Arguments> executors() {
		Function<TimerRegistry, ScheduledExecutorService> defaultPolicy = (registry) -> new TrackingScheduledThreadPoolExecutor(
				3, registry, "default-policy");
		Function<TimerRegistry, ScheduledExecutorService> removeOnCancel = (registry) -> {
			TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(3, registry,
					"remove-on-cancel");
			executor.setRemoveOnCancelPolicy(true);
			return executor;
		};
		Function<TimerRegistry, ScheduledExecutorService> decorator = (
				registry) -> new TrackingScheduledExecutorService(new ScheduledThreadPoolExecutor(3), registry,
						"decorator");
		return Stream.of(Arguments.of("tracking executor, default policy", defaultPolicy),
				Arguments.of("tracking executor, remove-on-cancel", removeOnCancel),
				Arguments.of("interface decorator", decorator));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void tasksInvokeAllCancelsWhileTheyRunCountAsCancelledAndFailedOnesAsFailed(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = factory.apply(registry);
		try {
			CountDownLatch started = new CountDownLatch(2);
			Callable<String> returnsOnInterrupt = () -> {
				started.countDown();
				try {
					Thread.sleep(60_000);
				}
				catch (InterruptedException ex) {
					return "interrupted";
				}
				return "slept";
			};
			Callable<String> throwsOnInterrupt = () -> {
				started.countDown();
				Thread.sleep(60_000);
				return "slept";
			};
			Callable<String> fails = () -> {
				throw new IllegalStateException("failed");
			};
			List<Future<String>> futures = executor.invokeAll(
					List.of(() -> "quick", returnsOnInterrupt, throwsOnInterrupt, fails), 500, TimeUnit.MILLISECONDS);
			assertThat(started.getCount()).isZero();
			assertThat(futures).extracting(Future::isCancelled).containsExactly(false, true, true, false);
			awaitCounts(registry, 1, 1, 2);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void aFutureTaskHandedToExecuteCountsAsItsFutureSays(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = factory.apply(registry);
		try {
			FutureTask<String> completes = new FutureTask<>(() -> "done");
			FutureTask<String> fails = new FutureTask<>(() -> {
				throw new IllegalStateException("failed");
			});
			FutureTask<String> cancelledBeforeItRuns = new FutureTask<>(() -> "never");
			cancelledBeforeItRuns.cancel(false);
			executor.execute(completes);
			executor.execute(fails);
			executor.execute(cancelledBeforeItRuns);
			awaitCounts(registry, 1, 1, 1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void awaitCounts(TimerRegistry registry, long completed, long failed, long cancelled) {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			List<OriginStats> origins = registry.origins();
			assertThat(origins.stream().mapToLong((origin) -> origin.pending() + origin.running()).sum()).isZero();
			assertThat(origins.stream().mapToLong(OriginStats::completed).sum()).as("completed").isEqualTo(completed);
			assertThat(origins.stream().mapToLong(OriginStats::failed).sum()).as("failed").isEqualTo(failed);
			assertThat(origins.stream().mapToLong(OriginStats::cancelled).sum()).as("cancelled").isEqualTo(cancelled);
		});
	}

}
