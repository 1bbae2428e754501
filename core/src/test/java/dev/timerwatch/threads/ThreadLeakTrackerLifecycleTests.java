package dev.timerwatch.threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TimerRegistry;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing a tracker while its recording starts in the background, with the real recorder:
 * whenever close() comes, it leaves no recording and no thread of timerwatch's behind, and
 * nothing fails.
 */
class ThreadLeakTrackerLifecycleTests {

	private static final int REPETITIONS = 200;

	private static final Set<String> OWN_THREADS = Set.of("timerwatch-thread-origins",
			"timerwatch-thread-origins-start");

	private final List<String> problems = new CopyOnWriteArrayList<>();

	private final Logger originsLog = Logger.getLogger(ThreadOrigins.class.getName());

	private final Handler failures = new Handler() {

		@Override
		public void publish(LogRecord record) {
			ThreadLeakTrackerLifecycleTests.this.problems.add(record.getLevel() + " " + record.getMessage());
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	private Thread.UncaughtExceptionHandler previousHandler;

	@BeforeEach
	void watchForFailures() {
		this.originsLog.addHandler(this.failures);
		this.previousHandler = Thread.getDefaultUncaughtExceptionHandler();
		Thread.setDefaultUncaughtExceptionHandler(
				(thread, ex) -> this.problems.add("uncaught in " + thread.getName() + ": " + ex));
	}

	@AfterEach
	void stopWatching() {
		this.originsLog.removeHandler(this.failures);
		Thread.setDefaultUncaughtExceptionHandler(this.previousHandler);
	}

	@Test
	void closingRightAfterStartingLeavesNoRecordingAndNoThread() {
		Set<Long> before = recordingIds();
		for (int i = 0; i < REPETITIONS; i++) {
			ThreadLeakTracker tracker = ThreadLeakTracker.startInBackground(registry(), locator());
			tracker.close();
			assertThat(recordingIds()).as("recordings after close #%d", i).isSubsetOf(before);
			assertThat(tracker.isRecording()).isFalse();
		}
		assertNothingLeftBehind(before);
	}

	@Test
	void closingWhileTheRecordingStartsLeavesNoRecordingAndNoThread() {
		Set<Long> before = recordingIds();
		int caughtStarting = 0;
		for (int i = 0; i < REPETITIONS; i++) {
			ThreadLeakTracker tracker = ThreadLeakTracker.startInBackground(registry(), locator());
			// Wait for the recording to exist, spread over its start so that close() meets every phase.
			long deadline = System.nanoTime() + Duration.ofMillis(i % 20).toNanos();
			while (System.nanoTime() < deadline && recordingIds().equals(before)) {
				Thread.onSpinWait();
			}
			if (!recordingIds().equals(before) && !tracker.isRecording()) {
				caughtStarting++;
			}
			tracker.close();
			assertThat(recordingIds()).as("recordings after close #%d", i).isSubsetOf(before);
			assertThat(tracker.isRecording()).isFalse();
		}
		assertNothingLeftBehind(before);
		assertThat(caughtStarting).as("closes that met a recording starting").isPositive();
	}

	private void assertNothingLeftBehind(Set<Long> before) {
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(ownThreads()).as("timerwatch's threads still alive").isEmpty());
		assertThat(recordingIds()).isSubsetOf(before);
		assertThat(this.problems).isEmpty();
	}

	private static List<String> ownThreads() {
		List<String> names = new ArrayList<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (OWN_THREADS.contains(thread.getName()) && thread.isAlive()) {
				names.add(thread.getName());
			}
		}
		return names;
	}

	private static Set<Long> recordingIds() {
		return FlightRecorder.getFlightRecorder()
			.getRecordings()
			.stream()
			.map(Recording::getId)
			.collect(Collectors.toSet());
	}

	private static TimerRegistry registry() {
		return new TimerRegistry(CallSiteLocator.withDefaults(), System::currentTimeMillis, 1_000);
	}

	private static CallSiteLocator locator() {
		return new CallSiteLocator(ThreadLeakTracker.DEFAULT_EXCLUDED_PACKAGES, 64);
	}

}
