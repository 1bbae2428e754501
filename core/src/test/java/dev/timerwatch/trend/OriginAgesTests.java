package dev.timerwatch.trend;

import java.util.concurrent.atomic.AtomicLong;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.PendingBucket;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.tracking.TrackedTask;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OriginAgesTests {

	private static final TaskOrigin ORIGIN = TaskOrigin.callSite("com.example.Pinger", "ping", "Pinger.java", 7);

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get, 10_000);

	private final SchedulerTracker scheduler = this.registry.register("scheduler", "Test");

	private final OriginAges ages = new OriginAges();

	// The kind of the tasks observed: an origin's periodic tasks are a lane of their own.
	private TaskKind lane = TaskKind.ONCE;

	@Test
	void aPeriodicTaskCaughtRunningAtOneSampleTeachesNoLifetime() {
		this.lane = TaskKind.FIXED_RATE;
		Task task = new Task(this.scheduler.admit(ORIGIN, TaskKind.FIXED_RATE), TaskKind.FIXED_RATE);
		new Task(this.scheduler.admit(ORIGIN, TaskKind.FIXED_RATE), TaskKind.FIXED_RATE);
		observeAfter(60_000);
		newerTask();
		task.startRun();
		observeAfter(10_000);
		task.endRun();
		observeAfter(10_000);
		assertThat(this.ages.hasSeenAnEnd()).isFalse();
		// Both still count, from the end of their epoch, 20 s ago.
		assertThat(this.ages.olderThan(20_000, this.clock.get())).isEqualTo(2);
	}

	@Test
	void aTaskGoneAtTwoSamplesTeachesItsAgeAtTheFirst() {
		Task task = new Task(this.scheduler.admit(ORIGIN, TaskKind.ONCE), TaskKind.ONCE);
		new Task(this.scheduler.admit(ORIGIN, TaskKind.ONCE), TaskKind.ONCE);
		observeAfter(30_000);
		task.cancel();
		newerTask();
		observeAfter(10_000);
		observeAfter(10_000);
		assertThat(this.ages.longestLifetimeMillis()).isEqualTo(40_000);
		assertThat(this.ages.endedCount()).isOne();
		// The first epoch ended when the second began, 20 s ago.
		assertThat(this.ages.olderThan(20_000, this.clock.get())).isOne();
	}

	@Test
	void tasksAreCountedOutlivedOnlyWhenTheirWholeEpochIsOlderThanTheHorizon() {
		new Task(this.scheduler.admit(ORIGIN, TaskKind.ONCE), TaskKind.ONCE);
		observeAfter(10_000);
		new Task(this.scheduler.admit(ORIGIN, TaskKind.ONCE), TaskKind.ONCE);
		observeAfter(10_000);
		// The first epoch began 20 s ago and ended 10 s ago; the second, the newest, ended as
		// the registry's epoch moved on, just now.
		assertThat(this.ages.olderThan(10_000, this.clock.get())).isOne();
		assertThat(this.ages.olderThan(10_001, this.clock.get())).isZero();
		assertThat(this.ages.olderThan(0, this.clock.get())).isEqualTo(2);
	}

	@Test
	void theNewestEpochsTasksCountOutlivedOnceItHasEndedThoughTheOriginMadeNoNewerTask() {
		// A periodic task started once, or the last tasks of a leak that stopped: no newer epoch
		// of the origin ever begins, yet their epoch ended when the registry's next one began.
		new Task(this.scheduler.admit(ORIGIN, TaskKind.ONCE), TaskKind.ONCE);
		new Task(this.scheduler.admit(ORIGIN, TaskKind.ONCE), TaskKind.ONCE);
		observeAfter(10_000);
		observeAfter(60_000);
		assertThat(this.ages.olderThan(60_000, this.clock.get())).isEqualTo(2);
		assertThat(this.ages.olderThan(60_001, this.clock.get())).isZero();
	}

	@Test
	void threadsDatedByTheirStartCountOutlivedAnEpochAfterTheirEpochBeganThoughNoNewerStartCame() {
		this.scheduler.admitThreads(ORIGIN, java.util.List.of(), 0);
		this.clock.addAndGet(2_000);
		this.scheduler.admitThreads(ORIGIN, java.util.List.of(), 0);
		observeAfter(60_000);
		// Started 62 s and 60 s ago, in an epoch that began 62 s ago and took starts for 10 s.
		assertThat(this.ages.olderThan(52_000, this.clock.get())).isEqualTo(2);
		assertThat(this.ages.olderThan(52_001, this.clock.get())).isZero();
	}

	@Test
	void readingTheEpochsChangesNoCount() {
		new Task(this.scheduler.admit(ORIGIN, TaskKind.ONCE), TaskKind.ONCE);
		OriginStats origin = this.registry.origins().get(0);
		assertThat(origin.pendingByEpoch(false)).singleElement().satisfies((epoch) -> {
			assertThat(epoch.admitted()).isOne();
			assertThat(epoch.pending()).isOne();
		});
		assertThat(origin.pending()).isOne();
		assertThat(origin.scheduled()).isOne();
	}

	private void newerTask() {
		new Task(this.scheduler.admit(ORIGIN, this.lane), this.lane);
	}

	private void observeAfter(long millis) {
		this.clock.addAndGet(millis);
		this.registry.advance();
		this.ages.observe(this.registry.origins().get(0).pendingByEpoch(this.lane.isPeriodic()), this.clock.get());
	}

	private static final class Task extends TrackedTask {

		Task(PendingBucket bucket, TaskKind kind) {
			super(bucket, kind);
		}

		private long start;

		void startRun() {
			this.start = beginRun(TaskObserver.NONE);
		}

		void endRun() {
			endRun(TaskObserver.NONE, this.start, null);
		}

		@Override
		protected Outcome settle(@Nullable Throwable failure) {
			return Outcome.RESCHEDULED;
		}

		void cancel() {
			cancelled(false);
		}

	}

}
