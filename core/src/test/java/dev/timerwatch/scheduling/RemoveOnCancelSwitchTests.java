package dev.timerwatch.scheduling;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The remove-on-cancel policy switched off while tasks accepted under it are still queued:
 * the JDK then cancels them without removing them, and calls no code of the executor, yet
 * the tracking executor must count each cancellation when it happens, as retained, and
 * release it when the task leaves the queue. The same test body runs against the raw JDK
 * executor, whose queue the tracking one's must match.
 */
class RemoveOnCancelSwitchTests {

	private static final int REPETITIONS = Integer.getInteger("timerwatch.race.repetitions", 500);

	static Stream<Arguments> executors() {
		Supplier<ScheduledThreadPoolExecutor> raw = () -> new ScheduledThreadPoolExecutor(1);
		Supplier<ScheduledThreadPoolExecutor> tracked = () -> new TrackingScheduledThreadPoolExecutor(1,
				new TimerRegistry(), "switching");
		return Stream.of(Arguments.of("raw", raw), Arguments.of("tracked", tracked),
				Arguments.of("raw subclass", (Supplier<ScheduledThreadPoolExecutor>) RemovingRaw::new),
				Arguments.of("tracked subclass", (Supplier<ScheduledThreadPoolExecutor>) RemovingTracked::new));
	}

	// A subclass's remove stands between the JDK's cancel and the executor's own.
	static final class RemovingRaw extends ScheduledThreadPoolExecutor {

		RemovingRaw() {
			super(1);
		}

		@Override
		public boolean remove(Runnable task) {
			return super.remove(task);
		}

	}

	static final class RemovingTracked extends TrackingScheduledThreadPoolExecutor {

		RemovingTracked() {
			super(1, new TimerRegistry(), "switching subclass");
		}

		@Override
		public boolean remove(Runnable task) {
			return super.remove(task);
		}

	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void aTaskCancelledAfterThePolicyIsSwitchedOffStaysQueuedAndCountsRetainedUntilItLeaves(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		ScheduledThreadPoolExecutor executor = factory.get();
		try {
			executor.setRemoveOnCancelPolicy(true);
			ScheduledFuture<?> once = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
			ScheduledFuture<String> callable = executor.schedule(() -> "called", 1, TimeUnit.HOURS);
			ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
			ScheduledFuture<?> soon = executor.schedule(() -> { }, 500, TimeUnit.MILLISECONDS);
			executor.setRemoveOnCancelPolicy(false);
			assertThat(executor.getRemoveOnCancelPolicy()).isFalse();
			List<ScheduledFuture<?>> all = List.of(soon, once, callable, periodic);
			all.forEach((future) -> assertThat(future.cancel(false)).isTrue());
			assertThat(executor.getQueue()).containsExactlyInAnyOrderElementsOf(runnables(all));
			assertCounts(executor, 0, 4, 4);
			// Its delay expired, the worker takes the cancelled task out and runs nothing.
			await().atMost(10, TimeUnit.SECONDS)
				.untilAsserted(() -> assertThat(executor.getQueue()).doesNotContain((Runnable) soon));
			await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertCounts(executor, 0, 4, 3));
			assertThat(executor.remove((Runnable) once)).isTrue();
			assertCounts(executor, 0, 4, 2);
			executor.purge();
			assertThat(executor.getQueue()).isEmpty();
			assertCounts(executor, 0, 4, 0);
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * A shutdown takes the cancelled tasks out of the queue, one by one when the queue holds
	 * only the JDK's own tasks, as it does when every task was accepted under the policy.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void aShutdownReleasesTheTasksCancelledAfterThePolicyIsSwitchedOff(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		ScheduledThreadPoolExecutor executor = factory.get();
		try {
			executor.setRemoveOnCancelPolicy(true);
			ScheduledFuture<?> kept = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
			ScheduledFuture<?> cancelled = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
			executor.setRemoveOnCancelPolicy(false);
			assertThat(cancelled.cancel(false)).isTrue();
			assertCounts(executor, 1, 1, 1);
			executor.shutdown();
			assertThat(executor.getQueue()).containsExactly((Runnable) kept);
			assertCounts(executor, 1, 1, 0);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		assertCounts(executor, 0, 2, 0);
	}

	/**
	 * Threads cancel tasks accepted under either policy, and schedule and cancel new ones,
	 * while another switches the policy on and off: each cancellation removes its task or
	 * leaves it queued as the policy read at that moment says, and the tracking executor counts
	 * as retained exactly the cancelled tasks still queued.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void cancellationsRacingThePolicySwitchedOnAndOffAreCountedRetainedExactlyWhileQueued(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		int each = 20;
		for (int repetition = 0; repetition < REPETITIONS; repetition++) {
			ScheduledThreadPoolExecutor executor = factory.get();
			try {
				List<ScheduledFuture<?>> futures = new CopyOnWriteArrayList<>();
				for (int i = 0; i < 2 * each; i++) {
					executor.setRemoveOnCancelPolicy(i % 2 == 0);
					futures.add((i % 3 == 0) ? executor.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.HOURS)
							: executor.schedule(() -> { }, 1, TimeUnit.HOURS));
				}
				executor.setRemoveOnCancelPolicy(true);
				List<ScheduledFuture<?>> first = new ArrayList<>(futures.subList(0, each));
				List<ScheduledFuture<?>> second = new ArrayList<>(futures.subList(each, 2 * each));
				CountDownLatch go = new CountDownLatch(2);
				AtomicReference<Throwable> failure = new AtomicReference<>();
				Thread[] cancellers = new Thread[2];
				for (int t = 0; t < 2; t++) {
					List<ScheduledFuture<?>> share = (t == 0) ? first : second;
					cancellers[t] = new Thread(() -> {
						go.countDown();
						awaitLatch(go);
						try {
							for (ScheduledFuture<?> future : share) {
								future.cancel(false);
								ScheduledFuture<?> added = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
								futures.add(added);
								added.cancel(false);
							}
						}
						catch (Throwable ex) {
							failure.set(ex);
						}
					});
					cancellers[t].start();
				}
				awaitLatch(go);
				boolean on = true;
				while (cancellers[0].isAlive() || cancellers[1].isAlive()) {
					on = !on;
					executor.setRemoveOnCancelPolicy(on);
				}
				cancellers[0].join();
				cancellers[1].join();
				executor.setRemoveOnCancelPolicy(false);
				assertThat(failure.get()).as("repetition %d", repetition).isNull();
				assertThat(futures).as("repetition %d", repetition).hasSize(4 * each).allMatch(Future::isCancelled);
				assertThat(runnables(futures)).as("repetition %d", repetition).containsAll(executor.getQueue());
				int queued = executor.getQueue().size();
				assertCounts(executor, 0, 4 * each, queued, repetition);
				executor.purge();
				assertThat(executor.getQueue()).as("repetition %d", repetition).isEmpty();
				assertCounts(executor, 0, 4 * each, 0, repetition);
			}
			finally {
				executor.shutdownNow();
			}
		}
	}

	private static void assertCounts(ScheduledThreadPoolExecutor executor, long pending, long cancelled,
			long retained) {
		assertCounts(executor, pending, cancelled, retained, 0);
	}

	// A tracking executor's counts over all its origins.
	private static void assertCounts(ScheduledThreadPoolExecutor executor, long pending, long cancelled,
			long retained, int repetition) {
		if (!(executor instanceof TrackingScheduledThreadPoolExecutor tracking)) {
			return;
		}
		Collection<OriginStats> origins = tracking.getTracker().origins();
		assertThat(origins.stream().mapToLong(OriginStats::pending).sum()).as("repetition %d: pending", repetition)
			.isEqualTo(pending);
		assertThat(origins.stream().mapToLong(OriginStats::cancelled).sum())
			.as("repetition %d: cancelled", repetition)
			.isEqualTo(cancelled);
		assertThat(tracking.getTracker().countedRetainedCancelled()).as("repetition %d: retained", repetition)
			.isEqualTo(retained);
		assertThat(origins.stream().mapToLong(OriginStats::live).sum()).as("repetition %d: live", repetition)
			.isEqualTo(pending + retained);
	}

	private static List<Runnable> runnables(List<? extends Future<?>> futures) {
		return futures.stream().map(Runnable.class::cast).toList();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
