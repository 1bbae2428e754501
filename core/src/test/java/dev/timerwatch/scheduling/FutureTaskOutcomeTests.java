package dev.timerwatch.scheduling;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;
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

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void tasksStillRunningWhenInvokeAllIsInterruptedCountAsCancelled(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = factory.apply(registry);
		try {
			CountDownLatch started = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			AtomicReference<Throwable> thrown = new AtomicReference<>();
			Thread caller = new Thread(() -> {
				try {
					executor.invokeAll(List.of(returnsOnInterruptWhenReleased(started, release)));
				}
				catch (Throwable ex) {
					thrown.set(ex);
				}
			});
			caller.start();
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			caller.interrupt();
			caller.join(10_000);
			assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
			release.countDown();
			awaitCounts(registry, 0, 0, 1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	// Only the decorator: the tracking executor's invokeAny is the JDK's, which hands execute a
	// future of its own around each task's, and cancels the task's alone (a limit README names).
	@Test
	void theTasksTheDecoratorsInvokeAnyCancelsOnceOneHasReturnedCountAsCancelled() throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = new TrackingScheduledExecutorService(new ScheduledThreadPoolExecutor(3),
				registry, "decorator");
		try {
			CountDownLatch started = new CountDownLatch(2);
			CountDownLatch release = new CountDownLatch(1);
			Callable<String> quick = () -> {
				// Returns once the slow ones run, so that invokeAny cancels them while they run.
				started.await(10, TimeUnit.SECONDS);
				return "quick";
			};
			assertThat(executor.invokeAny(List.of(returnsOnInterruptWhenReleased(started, release),
					returnsOnInterruptWhenReleased(started, release), quick)))
				.isEqualTo("quick");
			release.countDown();
			awaitCounts(registry, 1, 0, 2);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void aRunnableThatIsAFutureOnlyInPartRunsAndCompletesAsBefore(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) throws Exception {
		TimerRegistry registry = new TimerRegistry();
		ScheduledExecutorService executor = factory.apply(registry);
		try {
			AtomicBoolean ran = new AtomicBoolean();
			// A FutureTask whose state cannot be read: tracking asks, and takes no answer for none.
			FutureTask<Void> unreadable = new FutureTask<>(() -> ran.set(true), null) {

				@Override
				public boolean isCancelled() {
					throw new UnsupportedOperationException();
				}

				@Override
				public boolean isDone() {
					throw new UnsupportedOperationException();
				}

			};
			assertThat(executor.submit(unreadable).get(10, TimeUnit.SECONDS)).isNull();
			assertThat(ran).isTrue();
			awaitCounts(registry, 1, 0, 0);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aForkJoinTaskRunOnTheCallersThreadKeepsTheInterruptItsRunSet() {
		// Runs what it is given on the caller's thread, as a direct executor does.
		ScheduledThreadPoolExecutor direct = new ScheduledThreadPoolExecutor(1) {

			@Override
			public void execute(Runnable command) {
				command.run();
			}

		};
		ScheduledExecutorService tracked = new TrackingScheduledExecutorService(direct, new TimerRegistry(), "direct");
		try {
			// A task that restores the interrupt it caught, as it should. On Java 17 a done
			// ForkJoinTask's get still reads, and clears, the caller's interrupt.
			Runnable restoresInterrupt = () -> Thread.currentThread().interrupt();
			for (ScheduledExecutorService executor : List.of(direct, tracked)) {
				executor.execute((Runnable) ForkJoinTask.adapt(restoresInterrupt));
				assertThat(Thread.interrupted()).as("interrupted after a run on %s", executor).isTrue();
			}
		}
		finally {
			Thread.interrupted();
			direct.shutdownNow();
		}
	}

	// Still running when the invoking call returns: a task that ends in between counts as it
	// returns (README names the limit).
	private static Callable<String> returnsOnInterruptWhenReleased(CountDownLatch started, CountDownLatch release) {
		return () -> {
			started.countDown();
			try {
				Thread.sleep(60_000);
			}
			catch (InterruptedException ex) {
				// Until the invoking call has returned and the test has moved on.
				release.await(30, TimeUnit.SECONDS);
				return "interrupted";
			}
			return "slept";
		};
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
