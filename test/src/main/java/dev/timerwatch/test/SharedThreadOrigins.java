package dev.timerwatch.test;

import java.util.List;
import java.util.stream.Stream;

import dev.timerwatch.threads.ThreadLeakTracker;
import dev.timerwatch.threads.ThreadOrigins;
import dev.timerwatch.tracking.CallSiteLocator;
import org.jspecify.annotations.Nullable;

/**
 * One JDK Flight Recorder stream of thread starts for the whole test JVM, started by the first
 * check that wants thread origins (about half a second, once) and never stopped.
 */
final class SharedThreadOrigins {

	// Test runners and assertion libraries start threads for the test, and servers, event loops
	// and reactive libraries for whoever uses them (the application's tracker skips them too):
	// the test's own line is the one to name.
	private static final List<String> EXCLUDED_PACKAGES = Stream
		.concat(Stream.of("org.junit.", "org.apache.maven.surefire.", "org.gradle.", "org.assertj.", "org.awaitility.",
				"org.testng."), ThreadLeakTracker.DEFAULT_EXCLUDED_PACKAGES.stream())
		.toList();

	private static volatile @Nullable ThreadOrigins origins;

	private SharedThreadOrigins() {
	}

	static ThreadOrigins get() {
		ThreadOrigins result = origins;
		if (result == null) {
			synchronized (SharedThreadOrigins.class) {
				result = origins;
				if (result == null) {
					result = ThreadOrigins.start(new CallSiteLocator(EXCLUDED_PACKAGES, 64));
					// A start cut short by the caller's interrupt is tried again by the next check;
					// a recorder that is unavailable is not.
					if (result.isRecording() || !Thread.currentThread().isInterrupted()) {
						origins = result;
					}
				}
			}
		}
		return result;
	}

}
