package dev.timerwatch.scheduling;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Races against {@code shutdown}, {@code shutdownNow} and {@code purge}, as other threads see
 * them while they happen, run many times by the same test body against the raw JDK executor
 * and the tracking one, under both cancellation policies and several pool shapes. A tracking
 * executor reworks its queue in bulk; no other thread may ever see it half done.
 */
class ShutdownAndPurgeRaceTests {

	private static final int REPETITIONS = Integer.getInteger("timerwatch.race.repetitions", 500);

	static Stream<Arguments> executors() {
		List<Arguments> arguments = new ArrayList<>();
		for (boolean removeOnCancel : new boolean[] { false, true }) {
			String policy = removeOnCancel ? ", remove on cancel" : "";
			arguments.add(Arguments.of("raw" + policy, factory(false, removeOnCancel, 1, false)));
			arguments.add(Arguments.of("tracked" + policy, factory(true, removeOnCancel, 1, false)));
		}
		return arguments.stream();
	}

	static Stream<Arguments> poolShapes() {
		List<Arguments> arguments = new ArrayList<>();
		for (boolean tracked : new boolean[] { false, true }) {
			for (boolean removeOnCancel : new boolean[] { false, true }) {
				String name = (tracked ? "tracked" : "raw") + (removeOnCancel ? ", remove on cancel" : "");
				arguments.add(Arguments.of(name + ", no core thread", factory(tracked, removeOnCancel, 0, false)));
				arguments.add(Arguments.of(name + ", core thread timeout",
						factory(tracked, removeOnCancel, 1, true)));
				arguments.add(Arguments.of(name + ", three threads", factory(tracked, removeOnCancel, 3, false)));
			}
		}
		return arguments.stream();
	}

	private static Supplier<ScheduledThreadPoolExecutor> factory(boolean tracked, boolean removeOnCancel, int core,
			boolean coreTimeout) {
		return () -> {
			ScheduledThreadPoolExecutor executor = tracked
					? new TrackingScheduledThreadPoolExecutor(core, new TimerRegistry(), "races")
					: new ScheduledThreadPoolExecutor(core);
			executor.setRemoveOnCancelPolicy(removeOnCancel);
			if (coreTimeout) {
				executor.setKeepAliveTime(1, TimeUnit.MILLISECONDS);
				executor.allowCoreThreadTimeOut(true);
			}
			return executor;
		};
	}

	/**
	 * The JSR-166 TCK's {@code testGetTaskCount}: queued tasks that run while
	 * {@code shutdown()} is in progress must see the same task count.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void tasksThatRunDuringShutdownSeeTheWholeTaskCount(String name, Supplier<ScheduledThreadPoolExecutor> factory)
			throws Exception {
		int tasks = 3;
		for (int repetition = 0; repetition < REPETITIONS; repetition++) {
			ScheduledThreadPoolExecutor executor = factory.get();
			CountDownLatch started = new CountDownLatch(1);
			CountDownLatch done = new CountDownLatch(1);
			List<Long> seen = new ArrayList<>();
			executor.execute(() -> {
				started.countDown();
				await(done);
			});
			await(started);
			for (int i = 0; i < tasks; i++) {
				executor.execute(() -> {
					synchronized (seen) {
						seen.add(executor.getTaskCount());
					}
				});
			}
			done.countDown();
			executor.shutdown();
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			assertThat(seen).as("repetition %d", repetition).hasSize(tasks).containsOnly(1L + tasks);
			assertThat(executor.getCompletedTaskCount()).isEqualTo(1L + tasks);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownNeverShowsAnotherThreadLessThanTheTasksItKeeps(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		int kept = 20;
		for (int repetition = 0; repetition < REPETITIONS; repetition++) {
			ScheduledThreadPoolExecutor executor = factory.get();
			for (int i = 0; i < kept; i++) {
				executor.schedule(() -> { }, 1, TimeUnit.HOURS);
				executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
				executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
			}
			QueueWatcher watcher = QueueWatcher.start(executor);
			executor.shutdown();
			watcher.stop();
			assertThat(watcher.smallestQueue()).as("repetition %d", repetition).isGreaterThanOrEqualTo(kept);
			assertThat(watcher.smallestTaskCount()).as("repetition %d", repetition).isGreaterThanOrEqualTo(kept);
			assertThat(executor.getQueue()).hasSize(kept);
			assertThat(executor.shutdownNow()).hasSize(kept);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void purgeNeverShowsAnotherThreadLessThanTheTasksItKeeps(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		int kept = 3;
		for (int repetition = 0; repetition < REPETITIONS; repetition++) {
			ScheduledThreadPoolExecutor executor = factory.get();
			try {
				for (int i = 0; i < kept; i++) {
					executor.schedule(() -> { }, 1, TimeUnit.HOURS);
				}
				for (int i = 0; i < 50; i++) {
					executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
				}
				QueueWatcher watcher = QueueWatcher.start(executor);
				executor.purge();
				watcher.stop();
				assertThat(watcher.smallestQueue()).as("repetition %d", repetition).isGreaterThanOrEqualTo(kept);
				assertThat(executor.getQueue()).hasSize(kept);
			}
			finally {
				executor.shutdownNow();
			}
		}
	}

	/**
	 * A purge that looks at an empty queue has nothing to do; it must never rework the queue
	 * without its lock because a task arrived just after it looked, or that task is lost (taken
	 * out by the rework's clear, never put back) and another may be queued twice.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void purgeOfAQueueThatEmptiesAndFillsLosesNoTask(String name, Supplier<ScheduledThreadPoolExecutor> factory)
			throws Exception {
		int tasks = 200;
		for (int repetition = 0; repetition < REPETITIONS; repetition++) {
			ScheduledThreadPoolExecutor executor = factory.get();
			AtomicInteger runs = new AtomicInteger();
			AtomicLong purges = new AtomicLong();
			AtomicReference<Throwable> purgeFailure = new AtomicReference<>();
			CountDownLatch purging = new CountDownLatch(1);
			Thread purger = new Thread(() -> {
				purging.countDown();
				try {
					while (!executor.isShutdown()) {
						executor.purge();
						purges.incrementAndGet();
					}
				}
				catch (Throwable ex) {
					purgeFailure.set(ex);
				}
			});
			purger.start();
			await(purging);
			while (purges.get() == 0 && purgeFailure.get() == null) {
				Thread.onSpinWait();
			}
			List<ScheduledFuture<?>> futures = new ArrayList<>(tasks);
			for (int i = 0; i < tasks; i++) {
				// Due at once: the worker takes each soon, so the queue keeps emptying.
				futures.add(executor.schedule(runs::incrementAndGet, 0, TimeUnit.MILLISECONDS));
			}
			for (ScheduledFuture<?> future : futures) {
				future.get(10, TimeUnit.SECONDS);
			}
			executor.shutdown();
			purger.join();
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("repetition %d", repetition).isTrue();
			assertThat(purgeFailure.get()).as("repetition %d", repetition).isNull();
			assertThat(runs.get()).as("repetition %d: runs", repetition).isEqualTo(tasks);
		}
	}

	/**
	 * A fixed-rate task behind schedule runs back to back, and the JDK queues it again before
	 * its run's end: {@code remove} often takes it out while a run is still on. It never runs
	 * again, and is not counted pending for ever.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void removingAPeriodicTaskWhileItRunsEndsItsRunsAndItsCount(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		for (int repetition = 0; repetition < REPETITIONS / 5; repetition++) {
			ScheduledThreadPoolExecutor executor = factory.get();
			try {
				AtomicInteger runs = new AtomicInteger();
				ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(runs::incrementAndGet, 0, 1,
						TimeUnit.NANOSECONDS);
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				while (runs.get() < 1 + ThreadLocalRandom.current().nextInt(20) && System.nanoTime() < deadline) {
					Thread.onSpinWait();
				}
				while (!executor.remove((Runnable) periodic)) {
					assertThat(System.nanoTime()).as("repetition %d: removed in time", repetition).isLessThan(deadline);
				}
				// A run on at the removal ends; none starts after it.
				Thread.sleep(2);
				int ran = runs.get();
				Thread.sleep(5);
				assertThat(runs.get()).as("repetition %d: runs after the removal", repetition).isEqualTo(ran);
				if (executor instanceof TrackingScheduledThreadPoolExecutor tracking) {
					// Neither pending nor running, once the run on at the removal has ended: settled
					// as cancelled.
					OriginStats origin = tracking.getTracker().origins().iterator().next();
					long settleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
					while (origin.live() != 0 && System.nanoTime() < settleBy) {
						Thread.sleep(1);
					}
					assertThat(origin.live()).as("repetition %d: live", repetition).isZero();
					assertThat(origin.cancelled()).as("repetition %d: cancelled", repetition).isEqualTo(1);
				}
			}
			finally {
				executor.shutdownNow();
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("poolShapes")
	void shutdownTerminatesOnceEveryKeptTaskHasRun(String name, Supplier<ScheduledThreadPoolExecutor> factory)
			throws Exception {
		for (int repetition = 0; repetition < 10; repetition++) {
			ScheduledThreadPoolExecutor executor = factory.get();
			AtomicInteger ran = new AtomicInteger();
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < 20_000; i++) {
				futures.add(executor.schedule(ran::incrementAndGet, ThreadLocalRandom.current().nextInt(20),
						TimeUnit.MILLISECONDS));
			}
			executor.shutdown();
			assertThat(executor.awaitTermination(30, TimeUnit.SECONDS))
				.as("repetition %d: terminated, with %d queued and %d threads", repetition, executor.getQueue().size(),
						executor.getPoolSize())
				.isTrue();
			assertThat(ran).hasValue(20_000);
			assertThat(futures).allMatch(Future::isDone);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void purgeRacingShutdownNowLeavesEveryTaskEitherReturnedOrPurged(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		for (int repetition = 0; repetition < REPETITIONS / 4; repetition++) {
			purgeRacingShutdownNow(factory.get(), 2_000, repetition);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void purgeRacingShutdownNowOnALargeQueueLosesNoTask(String name, Supplier<ScheduledThreadPoolExecutor> factory)
			throws Exception {
		purgeRacingShutdownNow(factory.get(), 200_000, 0);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownRacingShutdownNowLeavesNothingQueuedAndTerminates(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		for (int repetition = 0; repetition < REPETITIONS / 4; repetition++) {
			ScheduledThreadPoolExecutor executor = factory.get();
			List<ScheduledFuture<?>> delayed = new ArrayList<>();
			for (int i = 0; i < 1_000; i++) {
				delayed.add(executor.schedule(() -> { }, 1, TimeUnit.HOURS));
				executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
			}
			CountDownLatch go = new CountDownLatch(1);
			AtomicReference<List<Runnable>> returned = new AtomicReference<>();
			Thread stopper = new Thread(() -> {
				await(go);
				returned.set(executor.shutdownNow());
			});
			Thread closer = new Thread(() -> {
				await(go);
				executor.shutdown();
			});
			stopper.start();
			closer.start();
			go.countDown();
			stopper.join();
			closer.join();
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("repetition %d", repetition).isTrue();
			assertThat(executor.getQueue()).as("repetition %d", repetition).isEmpty();
			assertThat(returned.get()).as("repetition %d: every one-shot task is returned", repetition)
				.containsAll(delayed.stream().map(Runnable.class::cast).toList());
			assertCounts(executor, 0, 2_000, repetition);
		}
	}

	/**
	 * Each of two shutdowns at once runs the JDK's shutdown scan, one after the other under
	 * the executor's lock: whichever runs first drops the periodic and cancelled tasks, and
	 * the tracking executor must count each of them cancelled once, none retained, whatever
	 * thread's scan it is.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void twoShutdownsAtOnceKeepTheDelayedTasksAndCountEveryDroppedOneCancelled(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		for (int repetition = 0; repetition < REPETITIONS; repetition++) {
			raceShutdownScans(factory.get(), (executor) -> { }, ScheduledThreadPoolExecutor::shutdown, true,
					repetition);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownRacingShutdownNowCountsEveryTaskCancelledAndNoneRetained(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		for (int repetition = 0; repetition < REPETITIONS; repetition++) {
			raceShutdownScans(factory.get(), (executor) -> { }, ScheduledThreadPoolExecutor::shutdownNow, false,
					repetition);
		}
	}

	/**
	 * Switching the periodic policy off on an executor already shut down runs the JDK's
	 * shutdown scan again, without the executor's lock: it may run at the same time as
	 * shutdown's own.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownRacingThePeriodicPolicySwitchedOffDropsThePeriodicTasksAndCountsThemExactly(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		for (int repetition = 0; repetition < REPETITIONS; repetition++) {
			raceShutdownScans(factory.get(),
					(executor) -> executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(true),
					(executor) -> executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false), true,
					repetition);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("executors")
	void shutdownRacingTheDelayedPolicySwitchedOffDropsEveryTaskAndCountsThemExactly(String name,
			Supplier<ScheduledThreadPoolExecutor> factory) throws Exception {
		for (int repetition = 0; repetition < REPETITIONS; repetition++) {
			raceShutdownScans(factory.get(), (executor) -> { },
					(executor) -> executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false), false,
					repetition);
		}
	}

	// Delayed, periodic and cancelled tasks (retained unless remove-on-cancel is on), then
	// shutdown() on one thread racing the other operation on another: the queue then holds
	// the delayed tasks, or nothing, as the raw executor's does.
	private static void raceShutdownScans(ScheduledThreadPoolExecutor executor,
			Consumer<ScheduledThreadPoolExecutor> prepare, Consumer<ScheduledThreadPoolExecutor> other,
			boolean keepsDelayed, int repetition) throws Exception {
		int each = 20;
		try {
			prepare.accept(executor);
			List<Runnable> delayed = new ArrayList<>();
			for (int i = 0; i < each; i++) {
				delayed.add((Runnable) executor.schedule(() -> { }, 1, TimeUnit.HOURS));
				executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
				executor.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.HOURS).cancel(false);
				executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
			}
			CountDownLatch go = new CountDownLatch(1);
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Thread closer = new Thread(() -> {
				await(go);
				executor.shutdown();
			});
			Thread racer = new Thread(() -> {
				await(go);
				try {
					other.accept(executor);
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
			});
			closer.start();
			racer.start();
			go.countDown();
			closer.join();
			racer.join();
			assertThat(failure.get()).as("repetition %d", repetition).isNull();
			List<Runnable> kept = keepsDelayed ? delayed : List.of();
			assertThat(executor.getQueue()).as("repetition %d: queue", repetition)
				.containsExactlyInAnyOrderElementsOf(kept);
			assertCounts(executor, kept.size(), 4 * each - kept.size(), repetition);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("repetition %d", repetition).isTrue();
		assertCounts(executor, 0, 4 * each, repetition);
	}

	// A tracking executor's counts, over all its origins: the pending tasks are those queued,
	// every other one is cancelled, and none is retained once out of the queue.
	private static void assertCounts(ScheduledThreadPoolExecutor executor, long pending, long cancelled,
			int repetition) {
		if (!(executor instanceof TrackingScheduledThreadPoolExecutor tracking)) {
			return;
		}
		long queuedCancelled = executor.getQueue()
			.stream()
			.filter((task) -> ((Future<?>) task).isCancelled())
			.count();
		Collection<OriginStats> origins = tracking.getTracker().origins();
		assertThat(tracking.getTracker().countedRetainedCancelled()).as("repetition %d: retained", repetition)
			.isEqualTo(queuedCancelled);
		assertThat(origins.stream().mapToLong(OriginStats::pending).sum()).as("repetition %d: pending", repetition)
			.isEqualTo(pending);
		assertThat(origins.stream().mapToLong(OriginStats::live).sum()).as("repetition %d: live", repetition)
			.isEqualTo(pending + queuedCancelled);
		assertThat(origins.stream().mapToLong(OriginStats::cancelled).sum())
			.as("repetition %d: cancelled", repetition)
			.isEqualTo(cancelled);
	}

	private static void purgeRacingShutdownNow(ScheduledThreadPoolExecutor executor, int tasks, int repetition)
			throws Exception {
		List<ScheduledFuture<?>> futures = new ArrayList<>(tasks);
		int cancelled = 0;
		for (int i = 0; i < tasks; i++) {
			ScheduledFuture<?> future = executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
			if (i % 10 == 0 && future.cancel(false)) {
				cancelled++;
			}
			futures.add(future);
		}
		CountDownLatch go = new CountDownLatch(1);
		AtomicReference<List<Runnable>> returned = new AtomicReference<>();
		Thread purger = new Thread(() -> {
			await(go);
			executor.purge();
		});
		Thread stopper = new Thread(() -> {
			await(go);
			returned.set(executor.shutdownNow());
		});
		purger.start();
		stopper.start();
		go.countDown();
		purger.join();
		stopper.join();
		assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("repetition %d", repetition).isTrue();
		assertThat(executor.getQueue()).as("repetition %d", repetition).isEmpty();
		long live = futures.stream().filter((future) -> !future.isCancelled()).count();
		assertThat(returned.get().stream().filter((task) -> !((Future<?>) task).isCancelled()).count())
			.as("repetition %d: live tasks returned by shutdownNow", repetition)
			.isEqualTo(live)
			.isEqualTo(tasks - cancelled);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Watches an executor's queue from another thread, as fast as it can, until stopped.
	 */
	private static final class QueueWatcher {

		private final ScheduledThreadPoolExecutor executor;

		private final AtomicLong smallestQueue = new AtomicLong(Long.MAX_VALUE);

		private final AtomicLong smallestTaskCount = new AtomicLong(Long.MAX_VALUE);

		private final CountDownLatch watching = new CountDownLatch(1);

		private volatile boolean stopped;

		private final Thread thread;

		private QueueWatcher(ScheduledThreadPoolExecutor executor) {
			this.executor = executor;
			this.thread = new Thread(this::watch);
		}

		static QueueWatcher start(ScheduledThreadPoolExecutor executor) {
			QueueWatcher watcher = new QueueWatcher(executor);
			watcher.thread.start();
			await(watcher.watching);
			return watcher;
		}

		private void watch() {
			this.watching.countDown();
			do {
				this.smallestQueue.accumulateAndGet(this.executor.getQueue().size(), Math::min);
				this.smallestTaskCount.accumulateAndGet(this.executor.getTaskCount(), Math::min);
			}
			while (!this.stopped);
		}

		void stop() throws InterruptedException {
			this.stopped = true;
			this.thread.join();
		}

		long smallestQueue() {
			return this.smallestQueue.get();
		}

		long smallestTaskCount() {
			return this.smallestTaskCount.get();
		}

	}

}
