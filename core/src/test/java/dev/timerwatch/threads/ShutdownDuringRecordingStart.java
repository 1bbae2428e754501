package dev.timerwatch.threads;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TimerRegistry;

/**
 * A JVM told to exit while a thread tracker's recording is starting, and will never finish
 * starting, as a JDK Flight Recorder recording begun while the JVM shuts down did on Java 17:
 * its start holds the recorder's lock for good, which closing any recording also takes. Run
 * in a JVM of its own by {@link ShutdownDuringRecordingStartTests}; prints {@code closed} once
 * its shutdown hook has closed the trackers, and must then exit.
 */
public final class ShutdownDuringRecordingStart {

	private ShutdownDuringRecordingStart() {
	}

	/**
	 * Run one case.
	 * @param args {@code one}: a tracker whose start hangs; {@code two}: besides it, a tracker
	 * that records, as a second application context in the JVM has
	 */
	public static void main(String[] args) throws Exception {
		Object recorderLock = new Object();
		CountDownLatch holding = new CountDownLatch(1);
		CallSiteLocator locator = new CallSiteLocator(ThreadLeakTracker.DEFAULT_EXCLUDED_PACKAGES, 64);
		ThreadLeakTracker recording = args[0].equals("two")
				? ThreadLeakTracker.start(new TimerRegistry(), locator, () -> new ThreadStartSource() {

					@Override
					public void start(Listener listener) {
					}

					@Override
					public void close() {
						synchronized (recorderLock) {
							// Closing a recording takes the recorder's lock.
						}
					}

				}) : null;
		ThreadLeakTracker hanging = ThreadLeakTracker.startInBackground(new TimerRegistry(), locator,
				() -> new ThreadStartSource() {

					@Override
					public void start(Listener listener) throws InterruptedException {
						synchronized (recorderLock) {
							holding.countDown();
							new CountDownLatch(1).await();
						}
					}

					@Override
					public void close() {
					}

				}, Duration.ofSeconds(60));
		holding.await();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			hanging.close();
			if (recording != null) {
				recording.close();
			}
			System.out.println("closed");
		}, "application-context-close"));
		System.exit(0);
	}

}
