package dev.timerwatch.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.timerwatch.fixtures.ManualTask;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry's origin table counts each origin it holds exactly once, whatever a
 * scheduler's close races with: a new origin on another thread, or maintenance dropping idle
 * origins. A count that drifts up makes the table read full and sends new origins to the
 * overflow origin for ever; one that drifts down lets the table grow past its bound.
 */
class OriginTableRaceTests {

	private static final int REPETITIONS = Integer.getInteger("timerwatch.race.repetitions", 500) * 4;


	private final AtomicLong clock = new AtomicLong(1_000_000);

	@Test
	void originsMadeWhileTheirSchedulerClosesLeaveNoPlaceTakenInTheTable() throws Exception {
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get, 1_000, 100_000, 3);
		for (int i = 0; i < REPETITIONS; i++) {
			SchedulerTracker scheduler = registry.register("closing", "Test");
			List<TaskOrigin> origins = origins(i, 8);
			race(() -> {
				for (TaskOrigin origin : origins) {
					scheduler.originAt(origin);
				}
			}, scheduler::close);
			assertThat(registry.originCount()).as("places taken after repetition %d", i).isZero();
		}
	}

	@Test
	void idleOriginsDroppedWhileTheirSchedulerClosesAreGivenBackOnce() throws Exception {
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get, 1_000, 100_000, 3);
		SchedulerTracker survivor = registry.register("survivor", "Test");
		survivor.originAt(TaskOrigin.callSite("com.example.Survivor", "keep", "Survivor.java", 1));
		survivor.admit(TaskOrigin.callSite("com.example.Survivor", "keep", "Survivor.java", 1), TaskKind.FIXED_RATE,
				1_000_000_000L, -1);
		for (int i = 0; i < REPETITIONS; i++) {
			SchedulerTracker scheduler = registry.register("closing", "Test");
			// Enough origins that the close's count of them and their drop overlap.
			for (TaskOrigin origin : origins(i, 256)) {
				scheduler.originAt(origin);
			}
			for (int epoch = 0; epoch < 2; epoch++) {
				advance(registry);
			}
			assertThat(scheduler.origins()).hasSize(256);
			// The next epoch finds these origins idle and drops them, as the close does.
			race(() -> advance(registry), scheduler::close);
			assertThat(registry.originCount()).as("places taken after repetition %d", i).isEqualTo(1);
		}
	}

	@Test
	void totalsReadWhileMaintenanceFoldsEndedBucketsStayExact() throws Exception {
		// One thread admits and cancels tasks and moves epochs on, so that maintenance folds each
		// ended bucket into the origin's totals; another reads the totals all the while. At any
		// moment the true totals only grow: a read that counts a folded bucket twice, or not at
		// all, is off by a whole bucket, and the next read goes back.
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get, 1_000, 100, 1_000);
		SchedulerTracker scheduler = registry.register("folding", "Test");
		TaskOrigin line = TaskOrigin.callSite("com.example.Folding", "run", "Folding.java", 1);
		new ManualTask(scheduler.admit(line, TaskKind.ONCE, -1, -1), TaskKind.ONCE).end();
		OriginStats origin = registry.origins().get(0);
		AtomicReference<String> wrong = new AtomicReference<>();
		AtomicBoolean done = new AtomicBoolean();
		Thread reader = new Thread(() -> {
			long lastScheduled = 0;
			long lastCancelled = 0;
			while (!done.get() && wrong.get() == null) {
				long cancelled = origin.cancelled();
				long scheduled = origin.scheduled();
				// Totals never go down, and what was cancelled had been scheduled.
				if (cancelled < lastCancelled || scheduled < lastScheduled || scheduled < cancelled) {
					wrong.set("scheduled " + lastScheduled + " then " + scheduled + ", cancelled " + lastCancelled
							+ " then " + cancelled);
				}
				lastScheduled = scheduled;
				lastCancelled = cancelled;
			}
		});
		reader.start();
		long admitted = 1;
		try {
			for (int i = 0; i < REPETITIONS / 4 && wrong.get() == null; i++) {
				// A task pending in each of 32 epochs, all ended at once: the next move of the epoch
				// folds 32 buckets back to back, and the reader's reads overlap folds often (with
				// one bucket folded per move, a read that skips the sequence lock was caught in
				// some runs only).
				List<ManualTask> tasks = new ArrayList<>();
				for (int epoch = 0; epoch < 32; epoch++) {
					tasks.add(new ManualTask(scheduler.admit(line, TaskKind.ONCE, -1, -1), TaskKind.ONCE));
					advance(registry);
				}
				tasks.forEach(ManualTask::end);
				admitted += tasks.size();
				advance(registry);
				advance(registry);
			}
		}
		finally {
			done.set(true);
			reader.join();
		}
		assertThat(wrong.get()).isNull();
		assertThat(origin.scheduled()).isEqualTo(origin.cancelled()).isEqualTo(admitted);
	}

	@Test
	void theCancelledCountNeverGoesDownAsRetainedTasksLeaveTheQueue() throws Exception {
		// Under the JDK's default policy a cancelled task stays queued, counted as retained,
		// until purge() takes it out: the count of cancelled tasks must not move as it leaves.
		TimerRegistry registry = new TimerRegistry();
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, registry,
				"retaining");
		try {
			scheduleAnHourOut(executor).cancel(false);
			OriginStats origin = registry.origins().get(0);
			AtomicReference<String> wrong = new AtomicReference<>();
			AtomicBoolean done = new AtomicBoolean();
			Thread reader = new Thread(() -> {
				long last = 0;
				while (!done.get() && wrong.get() == null) {
					long cancelled = origin.cancelled();
					if (cancelled < last) {
						wrong.set("cancelled " + last + " then " + cancelled);
					}
					last = cancelled;
				}
			});
			reader.start();
			try {
				for (int i = 0; i < REPETITIONS * 5 && wrong.get() == null; i++) {
					scheduleAnHourOut(executor).cancel(false);
					scheduleAnHourOut(executor).cancel(false);
					executor.purge();
				}
			}
			finally {
				done.set(true);
				reader.join();
			}
			assertThat(wrong.get()).isNull();
			assertThat(origin.cancelled()).isEqualTo(REPETITIONS * 10 + 1);
			assertThat(origin.retainedCancelled()).isZero();
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static ScheduledFuture<?> scheduleAnHourOut(TrackingScheduledThreadPoolExecutor executor) {
		return executor.schedule(() -> {
		}, 1, TimeUnit.HOURS);
	}

	private void advance(TimerRegistry registry) {
		this.clock.addAndGet(1_000);
		registry.advance();
	}

	private static List<TaskOrigin> origins(int repetition, int count) {
		List<TaskOrigin> origins = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			origins.add(TaskOrigin.callSite("com.example.Sessions", "open" + repetition, "Sessions.java", i + 1));
		}
		return origins;
	}

	private static void race(Runnable first, Runnable second) throws Exception {
		CyclicBarrier start = new CyclicBarrier(2);
		Thread other = new Thread(() -> {
			await(start);
			second.run();
		});
		other.start();
		await(start);
		first.run();
		other.join();
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
