package dev.timerwatch.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.timerwatch.simulation.LeakDetectorSimulation.Alarms;
import dev.timerwatch.simulation.LeakDetectorSimulation.Detection;
import dev.timerwatch.simulation.LeakDetectorSimulation.Setting;
import dev.timerwatch.simulation.Sources.Lifetime;
import dev.timerwatch.simulation.Workloads.Leak;
import dev.timerwatch.simulation.Workloads.Workload;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.trend.OriginVerdict;
import org.junit.jupiter.api.Test;

import static dev.timerwatch.simulation.Sources.DAY;
import static dev.timerwatch.simulation.Sources.HOUR;
import static dev.timerwatch.simulation.Sources.MINUTE;
import static dev.timerwatch.simulation.Sources.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detector on simulated services, small enough to run on every build: the healthy shapes
 * of issue 13 raise no alarm, and leaks are found in time. The full measurement is
 * {@link LeakDetectorSimulation}.
 */
class LeakDetectorTests {

	private static final Setting DEFAULTS = new Setting(Duration.ofSeconds(10), Duration.ofMinutes(5));

	private static final Setting SHORT = new Setting(Duration.ofSeconds(2), Duration.ofSeconds(30));

	private static final Workload CHURN = Workloads.oneShot("2/s, exponential 30 s", 2,
			Lifetime.exponential(30 * SECOND));

	private static final Workload FAST_CHURN = Workloads.oneShot("20/s x 0.5 s", 20, Lifetime.fixed(500));

	@Test
	void churnAroundAFlatLevelRaisesNoAlarmInADayAtEitherWindow() {
		assertNoAlarm(CHURN, DEFAULTS, DAY);
		assertNoAlarm(CHURN, SHORT, DAY);
	}

	@Test
	void aBurstThatDrainsIsNotALeak() {
		assertNoAlarm(new Workload("bursts", (window) -> Sources.poisson(TaskKind.ONCE, Sources.bursts(2),
				Lifetime.exponential(30 * SECOND))), SHORT, 12 * HOUR);
	}

	@Test
	void aBatchEveryFiveMinutesThatAllFiresIsNotALeak() {
		assertNoAlarm(new Workload("sawtooth", (window) -> Sources.batches(200, 5 * MINUTE)), SHORT, 12 * HOUR);
	}

	@Test
	void stablePeriodicTasksAndPeriodicTasksStartedAndStoppedInEqualNumbersAreNotLeaks() {
		assertNoAlarm(new Workload("stable", (window) -> Sources.stablePeriodic(50, 10 * SECOND)), SHORT, 6 * HOUR);
		assertNoAlarm(new Workload("sessions", (window) -> Sources.poisson(TaskKind.FIXED_RATE, 0.5,
				Lifetime.exponential(2 * MINUTE))), DEFAULTS, DAY);
	}

	@Test
	void aServiceWarmingUpLaterIsNotLeaking() {
		assertNoAlarm(new Workload("ramp", (window) -> Sources.poisson(TaskKind.ONCE, Sources.rampFrom(HOUR, 5),
				Lifetime.exponential(30 * SECOND))), SHORT, 3 * HOUR);
	}

	@Test
	void tasksLivingLongerThanTheWindowAreNotALeakOnceSomeHaveEnded() {
		assertNoAlarm(new Workload("long", (window) -> Sources.poisson(TaskKind.ONCE, 1,
				Lifetime.fixed(window.toMillis() * 3 / 2))), SHORT, 6 * HOUR);
	}

	@Test
	void aPeriodicLeakAmongShortLivedTasksIsFoundWithinTwoWindowsAtTenAMinuteAndFourAtOne() {
		for (long seed = 0; seed < 3; seed++) {
			Detection tenAMinute = LeakDetectorSimulation.detect(FAST_CHURN, Workloads.leaks().get(0), 10, DEFAULTS,
					seed);
			assertThat(tenAMinute.earlyAlarms).isZero();
			assertThat(tenAMinute.latencyMillis).as("seed %d", seed).isBetween(0L, 2 * 5 * MINUTE);
			Detection oneAMinute = LeakDetectorSimulation.detect(FAST_CHURN, Workloads.leaks().get(0), 1, DEFAULTS,
					seed);
			assertThat(oneAMinute.earlyAlarms).isZero();
			assertThat(oneAMinute.latencyMillis).as("seed %d", seed).isBetween(0L, 4 * 5 * MINUTE);
		}
	}

	@Test
	void aPeriodicLeakAmongLongLivedOneShotTasksIsFoundWithinTwoWindows() {
		// The one-shot tasks' longest lifetime is many minutes (the longest of thousands of
		// exponential ones): periodic tasks are judged apart, against their own lane.
		Workload longLived = Workloads.oneShot("20/s, exponential 50 s", 20, Lifetime.exponential(50 * SECOND));
		for (long seed = 0; seed < 3; seed++) {
			Detection detection = LeakDetectorSimulation.detect(longLived, Workloads.leaks().get(0), 10, DEFAULTS, seed);
			assertThat(detection.earlyAlarms).isZero();
			assertThat(detection.latencyMillis).as("seed %d", seed).isBetween(0L, 2 * 5 * MINUTE);
		}
	}

	@Test
	void oneShotTasksWithADelayOutlivingTheHealthyOnesAreFoundWithinTwoWindows() {
		Leak hourLong = new Leak("one-shot, 1 h", TaskKind.ONCE, Lifetime.delay(HOUR));
		for (long seed = 0; seed < 3; seed++) {
			Detection atDefaults = LeakDetectorSimulation.detect(FAST_CHURN, hourLong, 10, DEFAULTS, seed);
			assertThat(atDefaults.earlyAlarms).isZero();
			assertThat(atDefaults.latencyMillis).as("seed %d", seed).isBetween(0L, 2 * 5 * MINUTE);
			Detection atShortWindows = LeakDetectorSimulation.detect(FAST_CHURN, hourLong, 100, SHORT, seed);
			assertThat(atShortWindows.earlyAlarms).isZero();
			assertThat(atShortWindows.latencyMillis).as("seed %d", seed).isBetween(0L, 2 * 30 * SECOND);
		}
	}

	@Test
	void aLineWhoseDelaysAreItsExponentialLifetimesRaisesNoAlarm() {
		// Each task fires when its delay runs out: the delays have the lifetimes' long tail,
		// the harshest case for telling a long delay from a healthy one.
		for (Setting setting : List.of(DEFAULTS, SHORT)) {
			Alarms alarms = LeakDetectorSimulation.healthyLife(CHURN, setting, 42, DAY, Simulation.Delays.FIRE);
			assertThat(alarms.count).as("alarms at %s: %s", setting, alarms.first).isZero();
		}
	}

	@Test
	void anHoursTimeoutsAmongThirtySecondOnesAreFoundWithinTwoWindows() {
		// 30-second timeouts, each cancelled after an exponential 5 s, and one line that
		// leaks timeouts of an hour.
		Workload timeouts = Workloads.oneShot("20/s, 30 s timeouts cancelled after exponential 5 s", 20,
				Lifetime.exponential(5 * SECOND));
		Leak hourLong = new Leak("one-shot, 1 h", TaskKind.ONCE, Lifetime.delay(HOUR));
		for (long seed = 0; seed < 3; seed++) {
			Detection atDefaults = LeakDetectorSimulation.detect(timeouts, hourLong, 10, DEFAULTS, seed,
					Simulation.Delays.TIMEOUT);
			assertThat(atDefaults.earlyAlarms).isZero();
			assertThat(atDefaults.latencyMillis).as("seed %d", seed).isBetween(0L, 2 * 5 * MINUTE);
			Detection atShortWindows = LeakDetectorSimulation.detect(timeouts, hourLong, 100, SHORT, seed,
					Simulation.Delays.TIMEOUT);
			assertThat(atShortWindows.earlyAlarms).isZero();
			assertThat(atShortWindows.latencyMillis).as("seed %d", seed).isBetween(0L, 2 * 30 * SECOND);
		}
	}

	@Test
	void aLeakOfLongDelaysAmongLongLivedOneShotTasksIsFoundWithinTwoWindowsOnceDelaysAreKnown() {
		// The healthy tasks' longest lifetime is many minutes (the longest of tens of thousands
		// of exponential ones), so the leak is found past it only (14 to 15 min, about three
		// windows, in these seeds) unless the delays are known.
		Workload longLived = Workloads.oneShot("20/s, exponential 50 s", 20, Lifetime.exponential(50 * SECOND));
		Leak hourLong = new Leak("one-shot, 1 h", TaskKind.ONCE, Lifetime.delay(HOUR));
		for (long seed = 0; seed < 3; seed++) {
			Detection detection = LeakDetectorSimulation.detect(longLived, hourLong, 10, DEFAULTS, seed,
					Simulation.Delays.FIRE);
			assertThat(detection.earlyAlarms).isZero();
			assertThat(detection.latencyMillis).as("seed %d", seed).isBetween(0L, 2 * 5 * MINUTE);
			assertThat(detection.longDelayLane).as("seed %d", seed).isTrue();
		}
	}

	@Test
	void eachLeakIsReportedOnceWithItsEvidenceAndEndsSoonAfterItStops() {
		List<long[]> episodes = new ArrayList<>();
		Simulation simulation = new Simulation(SHORT.interval(), SHORT.window(), 7)
			.add(LeakDetectorSimulation.ORIGIN, FAST_CHURN.sourceFor(SHORT.window()))
			.add(LeakDetectorSimulation.ORIGIN, (from, length, random, sink) -> {
				if ((from >= 10 * MINUTE && from < 20 * MINUTE) || (from >= 30 * MINUTE && from < 40 * MINUTE)) {
					Sources.poisson(TaskKind.FIXED_RATE, 1, Lifetime.never()).emit(from, length, random, sink);
				}
			});
		simulation.run(60 * MINUTE, (report) -> {
			OriginVerdict verdict = report.verdicts().get(0);
			long now = Simulation.elapsed(report);
			if (verdict.isLeaking()) {
				if (verdict.leakingSinceMillis() == report.sampledAtMillis()) {
					episodes.add(new long[] { now, now });
				}
				episodes.get(episodes.size() - 1)[1] = now;
			}
			return false;
		});
		assertThat(episodes).hasSize(2);
		// The last leaked task outlives the horizon (at most a window here) one horizon after
		// the leak stops; a window later, with no new outlived task, the leak is over.
		assertThat(episodes.get(0)[1]).isBetween(20 * MINUTE, 20 * MINUTE + 3 * 30 * SECOND);
		assertThat(simulation.reported()).as("logged once per leak, when it begins: two leaks, two lines")
			.hasSize(2)
			.allSatisfy((verdict) -> {
				assertThat(verdict.outlived()).isPositive();
				// The leaked tasks are periodic, the churn one-shot: judged apart, as two lanes.
				assertThat(verdict.periodicTasks()).isTrue();
				assertThat(verdict.evidence()).matches("[\\d,]+ periodic tasks older than [\\d.]+ (s|min), \\+[\\d,]+ in "
						+ "the last 30 s \\(none of this origin's periodic tasks has ended yet\\)");
			});
	}

	private static void assertNoAlarm(Workload workload, Setting setting, long length) {
		Alarms alarms = LeakDetectorSimulation.healthyLife(workload, setting, 42, length);
		assertThat(alarms.count).as("alarms on %s at %s: %s", workload.name(), setting, alarms.first).isZero();
	}

}
