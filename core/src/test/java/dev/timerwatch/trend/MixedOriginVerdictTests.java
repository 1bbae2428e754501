package dev.timerwatch.trend;

import java.time.Duration;
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
 * The verdict on an origin that schedules both periodic and one-shot tasks, whose two lanes
 * are judged apart: what it says of each, and when it calls the origin stable.
 */
class MixedOriginVerdictTests {

	private static final TaskOrigin ORIGIN = TaskOrigin.callSite("com.example.Session", "open", "Session.java", 12);

	private static final Duration INTERVAL = Duration.ofSeconds(2);

	private static final Duration WINDOW = Duration.ofSeconds(30);

	private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get,
			LeakDetector.epochMillisFor(INTERVAL, WINDOW));

	private final SchedulerTracker scheduler = this.registry.register("scheduler", "Test");

	private final LeakDetector detector = new LeakDetector(this.registry, INTERVAL, WINDOW, 0.5, this.clock::get);

	@Test
	void anOriginIsStableWhenItsOtherLaneIsEmptyThoughStillLearning() {
		// One one-shot task that ran: its lane has seen too few tasks end to trust their
		// lifetime, and never will, but it has nothing pending that could grow.
		task(TaskKind.ONCE).end();
		task(TaskKind.FIXED_RATE);
		sampleFor(Duration.ofMinutes(3));
		OriginVerdict verdict = this.detector.report().verdicts().get(0);
		assertThat(verdict.trend()).isEqualTo(Trend.STABLE);
		assertThat(verdict.isLeaking()).isFalse();
	}

	@Test
	void theEvidenceNamesTheLaneItsFiguresComeFrom() {
		task(TaskKind.FIXED_RATE);
		sampleFor(Duration.ofMinutes(1));
		// One lane only: its tasks are the origin's, and the evidence says so.
		assertThat(this.detector.report().verdicts().get(0).evidence()).matches("1 task older than .*");
		for (int i = 0; i < 5; i++) {
			task(TaskKind.ONCE);
		}
		sampleFor(Duration.ofMinutes(1));
		OriginVerdict verdict = this.detector.report().verdicts().get(0);
		assertThat(verdict.periodicTasks()).isFalse();
		assertThat(verdict.evidence()).matches("\\d+ one-shot tasks older than 30 s, .*")
			.endsWith("(none of this origin's one-shot tasks has ended yet)");
		for (int i = 0; i < 10; i++) {
			task(TaskKind.FIXED_RATE);
		}
		sampleFor(Duration.ofMinutes(1));
		verdict = this.detector.report().verdicts().get(0);
		assertThat(verdict.periodicTasks()).isTrue();
		assertThat(verdict.evidence()).matches("\\d+ periodic tasks older than 30 s, .*")
			.endsWith("(none of this origin's periodic tasks has ended yet)");
	}

	@Test
	void theEvidenceOfTheLongDelayLaneSaysWhatDelaysItHolds() {
		ManualTask first = new ManualTask(this.scheduler.admit(ORIGIN, TaskKind.ONCE, -1, 30_000_000_000L), TaskKind.ONCE);
		sampleFor(Duration.ofMinutes(1));
		first.end();
		for (int i = 0; i < 5; i++) {
			hourLong();
		}
		sampleFor(Duration.ofSeconds(10));
		// One more, in a later epoch, which has ended too by the time of the verdict: all six
		// are known to be older than the horizon.
		hourLong();
		sampleFor(Duration.ofSeconds(50));
		OriginVerdict verdict = this.detector.report().verdicts().get(0);
		assertThat(verdict.longDelayTasks()).isTrue();
		// The long-delay factor times the longest other delay, 30 s.
		assertThat(verdict.longDelayOverMillis()).isGreaterThanOrEqualTo(60_000L);
		assertThat(verdict.longDelayOverMillis() % 30_000L).isZero();
		String over = OriginVerdict.duration(verdict.longDelayOverMillis());
		assertThat(verdict.evidence()).isEqualTo("6 one-shot tasks with delays over " + over + " older than 30 s, +6 in "
				+ "the last 30 s (none of this origin's one-shot tasks with delays over " + over + " has ended yet)");
	}

	private void hourLong() {
		new ManualTask(this.scheduler.admit(ORIGIN, TaskKind.ONCE, -1, 3_600_000_000_000L), TaskKind.ONCE);
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
