package dev.timerwatch.test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.timerwatch.test.fixtures.RepeatedCheckedTests;
import dev.timerwatch.test.fixtures.RepeatedUncheckedTests;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures what the check adds to a test that leaks nothing, and prints it; nothing here
 * asserts a time, which a busy machine would make flaky. The figures in README.md come from
 * these lines of the test output ({@code CHECK COST}).
 */
class CheckCostTests {

	private static final int WARM_UP = 5_000;

	private static final int MEASURED = 20_000;

	@Test
	void measuresACleanCheckOnARegistryOfFiftyOriginsAndTheJvmsThreads() {
		TimerRegistry registry = new TimerRegistry();
		SchedulerTracker scheduler = registry.register("taskScheduler", "ThreadPoolTaskScheduler");
		for (int i = 0; i < 50; i++) {
			TaskOrigin origin = TaskOrigin.callSite("com.example.Service" + i, "start", "Service" + i + ".java", 42);
			for (int task = 0; task < 10; task++) {
				scheduler.admit(origin, TaskKind.FIXED_RATE);
			}
		}
		TimerLeakOptions options = TimerLeakOptions.defaults().withRegistries(registry);
		long[] nanos = new long[MEASURED];
		for (int i = 0; i < WARM_UP + MEASURED; i++) {
			long start = System.nanoTime();
			TimerLeakCheck check = TimerLeaks.begin(options);
			check.verifyNone();
			long took = System.nanoTime() - start;
			if (i >= WARM_UP) {
				nanos[i - WARM_UP] = took;
			}
		}
		Arrays.sort(nanos);
		System.out.printf(Locale.ROOT,
				"CHECK COST: begin + verifyNone, 50 origins, %d live threads: median %.1f us, p99 %.1f us, max %.1f us "
						+ "over %,d checks%n",
				ThreadBaseline.liveThreads().length, nanos[MEASURED / 2] / 1e3, nanos[MEASURED * 99 / 100] / 1e3,
				nanos[MEASURED - 1] / 1e3, MEASURED);
		assertThat(registry.origins()).hasSize(50);
	}

	@Test
	void measuresWhatTheExtensionAddsToACleanSpringTest() {
		long checked = Long.MAX_VALUE;
		long unchecked = Long.MAX_VALUE;
		// The median test of each run, alternated, and the best of three runs: the noise of a
		// shared machine only ever adds time.
		for (int round = 0; round < 3; round++) {
			unchecked = Math.min(unchecked, medianTestNanos(RepeatedUncheckedTests.class));
			checked = Math.min(checked, medianTestNanos(RepeatedCheckedTests.class));
		}
		System.out.printf(Locale.ROOT,
				"CHECK COST: the median clean Spring test took %.1f us with @VerifyNoTimerLeaks and %.1f us without "
						+ "(%+.1f us per test, best of 3 runs of %,d tests)%n",
				checked / 1e3, unchecked / 1e3, (checked - unchecked) / 1e3, RepeatedCheckedTests.REPETITIONS);
	}

	// From a test's start to its end: the extension's callbacks run in between.
	private static long medianTestNanos(Class<?> testClass) {
		Events tests = EngineTestKit.engine("junit-jupiter")
			.selectors(DiscoverySelectors.selectClass(testClass))
			.execute()
			.testEvents();
		// Every repetition must pass: a leak or a failed check would make the figure meaningless.
		tests.assertStatistics((stats) -> stats.succeeded(RepeatedCheckedTests.REPETITIONS).failed(0));
		Map<UniqueId, Instant> started = new HashMap<>();
		tests.started().stream().forEach((event) -> started.put(event.getTestDescriptor().getUniqueId(), event.getTimestamp()));
		long[] nanos = tests.finished()
			.stream()
			.mapToLong((event) -> Duration.between(started.get(event.getTestDescriptor().getUniqueId()),
					event.getTimestamp()).toNanos())
			.sorted()
			.toArray();
		assertThat(nanos).hasSize(RepeatedCheckedTests.REPETITIONS);
		return nanos[nanos.length / 2];
	}

}
