package dev.timerwatch.trend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.timerwatch.fixtures.ManualTask;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How one lane of an origin learns its tasks' lifetime, and what it is judged against
 * meanwhile.
 */
class LaneWatchTests {

	private static final TaskOrigin ORIGIN = TaskOrigin.callSite("com.example.Session", "open", "Session.java", 12);

	private static final Duration INTERVAL = Duration.ofSeconds(2);

	private static final Duration WINDOW = Duration.ofSeconds(30);

	private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get,
			LeakDetector.epochMillisFor(INTERVAL, WINDOW));

	private final SchedulerTracker scheduler = this.registry.register("scheduler", "Test");

	private final LeakDetector detector = new LeakDetector(this.registry, INTERVAL, WINDOW, 0.5, this.clock::get);

	@Test
	void aLeakingLaneWhoseFirstTaskEndsKeepsBeingJudged() {
		// A periodic leak on a new line: none of its tasks has ended, so it is judged against
		// a window, and leaks.
		List<ManualTask> tasks = new ArrayList<>();
		for (int i = 0; i < 90; i++) {
			tasks.add(task(TaskKind.FIXED_RATE));
			sampleFor(INTERVAL);
		}
		assertThat(verdict().isLeaking()).isTrue();
		// Its oldest task is cancelled: the lane has seen one end, far too few to trust that
		// lifetime, and must not go blind to the leak while it learns.
		tasks.get(0).end();
		for (int i = 0; i < 60; i++) {
			task(TaskKind.FIXED_RATE);
			sampleFor(INTERVAL);
			assertThat(verdict().isLeaking()).as("after %d samples", i + 1).isTrue();
		}
		assertThat(verdict().isLeaking()).isTrue();
		assertThat(verdict().outlived()).isPositive();
	}

	@Test
	void oldTasksCancelledAtOnceDoNotMakeALaneTrustItsLifetime() {
		ManualTask first = task(TaskKind.ONCE);
		List<ManualTask> old = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			old.add(task(TaskKind.ONCE));
		}
		sampleFor(INTERVAL);
		first.end();
		// Watched for far more than three times the one lifetime seen, with a task a sample
		// that stays: the old tasks are past any horizon, and a few are pending short of it.
		for (int i = 0; i < 20; i++) {
			task(TaskKind.ONCE);
			sampleFor(INTERVAL);
		}
		// All old tasks but one are cancelled, so that their epoch stays: gone at this sample,
		// still held from the last one. No reason to trust the lifetime: 30 tasks ended is far
		// from ten times the tasks pending short of the horizon.
		old.subList(1, old.size()).forEach(ManualTask::end);
		for (int i = 0; i < 5; i++) {
			task(TaskKind.ONCE);
			sampleFor(INTERVAL);
		}
		assertThat(verdict().horizonMillis()).isEqualTo(-1);
		assertThat(verdict().evidence()).startsWith("learning how long this origin's tasks live");
	}

	@Test
	void aLeakThatComesBackAfterItsLeakedTasksWereCancelledIsFoundAgain() {
		// A periodic leak on a new line, found against a window.
		List<ManualTask> leaked = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			leaked.add(task(TaskKind.FIXED_RATE));
			sampleFor(INTERVAL);
		}
		assertThat(verdict().isLeaking()).isTrue();
		// The leak stops and ends; then its tasks are cancelled, all at once: the only tasks
		// of the lane ever to end, which leave it learning.
		for (int i = 0; i < 60 && verdict().isLeaking(); i++) {
			sampleFor(INTERVAL);
		}
		assertThat(verdict().isLeaking()).as("the leak ended once it stopped").isFalse();
		leaked.forEach(ManualTask::end);
		sampleFor(Duration.ofSeconds(10));
		assertThat(verdict().pending()).isZero();
		// The leak comes back, and no task of the line ends again: found again, once the
		// lane has seen no end for a window and three times the longest lifetime it saw.
		int samples = 0;
		while (!verdict().isLeaking() && samples < 300) {
			task(TaskKind.FIXED_RATE);
			sampleFor(INTERVAL);
			samples++;
		}
		assertThat(verdict().isLeaking()).as("found again within 300 samples").isTrue();
		assertThat(verdict().evidence()).contains("older than");
	}

	@Test
	void aLearningLaneWhoseTasksKeepEndingIsNotJudgedAsNew() {
		// Tasks of one line, a few cancelled early and the others living far longer than the
		// window: learning, and as long as tasks keep ending, nothing counts as outlived.
		for (int i = 0; i < 300; i++) {
			ManualTask task = task(TaskKind.ONCE);
			if (i % 10 == 0) {
				task.end();
			}
			sampleFor(INTERVAL);
			assertThat(verdict().outlived()).as("after %d samples", i + 1).isZero();
		}
		assertThat(verdict().horizonMillis()).isEqualTo(-1);
	}

	private OriginVerdict verdict() {
		return this.detector.report().verdicts().get(0);
	}

	private ManualTask task(TaskKind kind) {
		return new ManualTask(this.scheduler.admit(ORIGIN, kind), kind);
	}

	private void sampleFor(Duration duration) {
		for (long elapsed = 0; elapsed < duration.toMillis(); elapsed += INTERVAL.toMillis()) {
			this.clock.addAndGet(INTERVAL.toMillis());
			this.detector.sample();
		}
	}

}
