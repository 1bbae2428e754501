package dev.timerwatch.threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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

	@Test
	void aRecordingStoppedFromOutsideIsNoticedSaidOnceAndEndsTheThreadsItKnew() throws Exception {
		Set<Long> before = recordingIds();
		List<ThreadOrigin> ended = new CopyOnWriteArrayList<>();
		ThreadOrigins origins = ThreadOrigins.start(locator(), new ThreadOrigins.Listener() {

			@Override
			public void started(ThreadOrigin origin) {
			}

			@Override
			public void ended(ThreadOrigin origin) {
				ended.add(origin);
			}

		}, "threads are named without the line that started them");
		CountDownLatch release = new CountDownLatch(1);
		Thread alive = new Thread(() -> awaitQuietly(release), "alive-while-the-recording-stops");
		try {
			assertThat(origins.isRecording()).isTrue();
			alive.start();
			assertThat(origins.await(List.of(alive.getId()), Duration.ofSeconds(10))).containsKey(alive.getId());
			// As `jcmd <pid> JFR.stop` would: the recording ends under the stream that reads it.
			for (Recording recording : FlightRecorder.getFlightRecorder().getRecordings()) {
				if (!before.contains(recording.getId()) && recording.getSettings()
					.keySet()
					.stream()
					.anyMatch((key) -> key.startsWith("dev.timerwatch.ThreadOrigins."))) {
					recording.stop();
				}
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> !origins.isRecording());
			assertThat(origins.unavailableReason()).contains("stopped or closed outside timerwatch");
			assertThat(ended).extracting(ThreadOrigin::threadId).contains(alive.getId());
			assertThat(origins.find(alive.getId())).isEmpty();
			assertThat(this.problems).singleElement()
				.asString()
				.startsWith("WARNING")
				.contains("no longer records where threads start");
		}
		finally {
			release.countDown();
			alive.join();
			origins.close();
		}
		this.problems.clear();
		assertNothingLeftBehind(before);
	}

	@Test
	void anInterruptOfTheThreadThatStartsTheRecorderIsKeptForIt() {
		Thread.currentThread().interrupt();
		ThreadOrigins origins = ThreadOrigins.start(locator());
		try {
			assertThat(Thread.interrupted()).as("still interrupted").isTrue();
		}
		finally {
			origins.close();
		}
	}

	@Test
	void noOneWaitsForTheStartOfAThreadThatHasEnded() throws Exception {
		ThreadOrigins origins = ThreadOrigins.start(locator());
		try {
			assertThat(origins.isRecording()).isTrue();
			Thread ended = new Thread(() -> {
			}, "ended-before-the-check");
			ended.start();
			ended.join();
			long start = System.nanoTime();
			origins.await(List.of(ended.getId()), Duration.ofSeconds(10));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		}
		finally {
			origins.close();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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
