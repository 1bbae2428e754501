package dev.timerwatch.tracking;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.timerwatch.fixtures.ManualTask;
import dev.timerwatch.tracking.OriginStats.EpochCount;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An origin keeps its periodic tasks and its other tasks in lanes of their own, for the leak
 * detector to judge apart, and is still one origin: one set of counts, dropped as a whole
 * when idle, never with a live task in either lane.
 */
class OriginLanesTests {

	private static final TaskOrigin ORIGIN = TaskOrigin.callSite("com.example.Sessions", "open", "Sessions.java", 7);

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get, 1_000, 100,
			3);

	private final SchedulerTracker scheduler = this.registry.register("scheduler", "Test");

	@Test
	void periodicAndOneShotTasksOfOneOriginAreCountedInTheirOwnLanesAndTogether() {
		task(TaskKind.ONCE);
		task(TaskKind.ONCE);
		task(TaskKind.FIXED_RATE);
		task(TaskKind.TRIGGER);
		OriginStats origin = this.registry.origins().get(0);
		assertThat(this.registry.origins()).hasSize(1);
		assertThat(origin.pending()).isEqualTo(4);
		assertThat(pending(origin.pendingByEpoch(false))).isEqualTo(2);
		assertThat(pending(origin.pendingByEpoch(true))).isEqualTo(2);
	}

	@Test
	void aLaneThatHasHadNoTaskHasNoEpochs() {
		task(TaskKind.FIXED_DELAY);
		assertThat(this.registry.origins().get(0).pendingByEpoch(false)).isEmpty();
	}

	@Test
	void eachLaneListsItsEpochsOldestFirst() {
		task(TaskKind.ONCE);
		advance();
		task(TaskKind.FIXED_RATE);
		advance();
		task(TaskKind.ONCE);
		task(TaskKind.FIXED_RATE);
		List<EpochCount> once = this.registry.origins().get(0).pendingByEpoch(false);
		List<EpochCount> repeating = this.registry.origins().get(0).pendingByEpoch(true);
		assertThat(once).extracting(EpochCount::startMillis).containsExactly(1_000_000L, 1_002_000L);
		assertThat(repeating).extracting(EpochCount::startMillis).containsExactly(1_001_000L, 1_002_000L);
	}

	@Test
	void anOriginIdleInBothLanesIsDroppedAndOneWithALiveTaskInEitherIsKept() {
		ManualTask periodic = task(TaskKind.FIXED_RATE);
		task(TaskKind.ONCE).end();
		for (int i = 0; i < 5; i++) {
			advance();
		}
		assertThat(this.registry.origins()).as("kept for its live periodic task").hasSize(1);
		periodic.end();
		for (int i = 0; i < 5; i++) {
			advance();
		}
		assertThat(this.registry.origins()).isEmpty();
		task(TaskKind.FIXED_RATE);
		assertThat(this.registry.origins()).singleElement()
			.satisfies((origin) -> assertThat(origin.scheduled()).as("fresh counts").isOne());
	}

	@Test
	void aNewOriginIsNotDroppedAsIdleBeforeItsFirstTaskLands() {
		OriginStats origin = this.scheduler.originAt(ORIGIN);
		assertThat(origin.retireIfIdle(this.registry.epoch() + 1, 3)).isFalse();
		assertThat(origin.isRetired()).isFalse();
	}

	@Test
	void noTaskOfEitherLaneIsEverAdmittedToAnOriginBeingDropped() throws Exception {
		// One thread schedules and ends tasks of both kinds with idle gaps, while another moves
		// epochs on and drops idle origins: a task admitted to a dropped origin is lost.
		int repetitions = Integer.getInteger("timerwatch.race.repetitions", 500) * 10;
		AtomicReference<@Nullable String> lost = new AtomicReference<>();
		CountDownLatch done = new CountDownLatch(1);
		Thread maintenance = new Thread(() -> {
			while (done.getCount() > 0) {
				advance();
			}
		});
		maintenance.start();
		try {
			for (int i = 0; i < repetitions && lost.get() == null; i++) {
				ManualTask task = task((i % 3 == 0) ? TaskKind.FIXED_RATE : TaskKind.ONCE);
				if (!this.registry.origins().contains(task.origin())) {
					lost.set("task " + i + " (" + task.kind() + ") was admitted to a dropped origin");
				}
				task.end();
				if (i % 7 == 0) {
					Thread.onSpinWait();
				}
			}
		}
		finally {
			done.countDown();
			maintenance.join();
		}
		assertThat(lost.get()).isNull();
	}

	@Test
	void aOneShotTaskOfADelayFarBeyondTheSettledLongestGoesToTheLongDelayLane() {
		ManualTask keep = delayed(30);
		OriginStats origin = this.registry.origins().get(0);
		// Not settled yet: a longer delay raises the longest, whatever it is.
		delayed(200);
		assertThat(origin.longDelayOverNanos()).isEqualTo(-1);
		assertThat(pending(origin.pendingByEpoch(OriginStats.Lane.LONG_DELAY))).isZero();
		for (int i = 0; i < OriginStats.DELAY_SETTLED_EPOCHS; i++) {
			advance();
		}
		long raised = 200 * OriginStats.LONG_DELAY_FACTOR;
		delayed(raised);
		delayed(raised * OriginStats.LONG_DELAY_FACTOR + 1);
		delayed(raised * OriginStats.LONG_DELAY_FACTOR * 10);
		task(TaskKind.ONCE);
		new ManualTask(this.scheduler.admit(ORIGIN, TaskKind.FIXED_RATE, 3_600_000_000_000L, 3_600_000_000_000L),
				TaskKind.FIXED_RATE);
		assertThat(pending(origin.pendingByEpoch(OriginStats.Lane.LONG_DELAY))).as("over twice the raised longest")
			.isEqualTo(2);
		assertThat(origin.longDelayAdmitted()).isEqualTo(2);
		assertThat(pending(origin.pendingByEpoch(false))).as("30 s, 200 s, the raise, and no delay known").isEqualTo(4);
		assertThat(pending(origin.pendingByEpoch(true))).isOne();
		assertThat(origin.pending()).isEqualTo(7);
		// The raise raised the longest, the long ones did not, and it stays settled.
		assertThat(origin.longDelayOverNanos()).isEqualTo(OriginStats.LONG_DELAY_FACTOR * raised * 1_000_000_000L);
		keep.end();
	}

	@Test
	void anOriginWithALiveTaskInTheLongDelayLaneIsKeptAndDroppedOnceIdleInAllLanes() {
		ManualTask settled = delayed(10);
		for (int i = 0; i < OriginStats.DELAY_SETTLED_EPOCHS; i++) {
			advance();
		}
		ManualTask longDelay = delayed(3_600);
		settled.end();
		assertThat(pending(this.registry.origins().get(0).pendingByEpoch(OriginStats.Lane.LONG_DELAY))).isOne();
		for (int i = 0; i < 5; i++) {
			advance();
		}
		assertThat(this.registry.origins()).as("kept for its live long-delay task").hasSize(1);
		longDelay.end();
		for (int i = 0; i < 5; i++) {
			advance();
		}
		assertThat(this.registry.origins()).isEmpty();
	}

	private ManualTask delayed(long seconds) {
		return new ManualTask(this.scheduler.admit(ORIGIN, TaskKind.ONCE, -1, seconds * 1_000_000_000L), TaskKind.ONCE);
	}

	private ManualTask task(TaskKind kind) {
		return new ManualTask(this.scheduler.admit(ORIGIN, kind), kind);
	}

	private void advance() {
		this.clock.addAndGet(1_000);
		this.registry.advance();
	}

	private static long pending(List<EpochCount> epochs) {
		return epochs.stream().mapToLong(EpochCount::pending).sum();
	}

}
