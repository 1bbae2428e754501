package dev.timerwatch.test;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first virtual thread of a JVM makes the JDK start the threads that run and wake virtual
 * threads, and keep them: a test that runs virtual threads and ends them leaks nothing, though
 * those threads were started on its line. Run alone (in a JVM of its own) to see them start
 * within the check: {@code mvn -pl test test -Dtest=VirtualThreadsTests} on Java 21 or later.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsTests {

	@Test
	void virtualThreadsThatEndLeaveNothingToBlameThoughTheJdkKeepsTheThreadsThatRanThem() throws Exception {
		TimerLeakCheck check = TimerLeaks.begin(TimerLeakOptions.defaults().withGracePeriod(Duration.ofMillis(200)));
		// Java 17 has no virtual threads, and this module compiles for it.
		ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
			.invoke(null);
		virtual.submit(() -> {
			// A timed park: the JDK starts the thread that wakes virtual threads.
			Thread.sleep(20);
			return null;
		}).get(10, TimeUnit.SECONDS);
		virtual.shutdown();
		assertThat(virtual.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		TimerLeakReport report = check.findLeaks();
		assertThat(report.isEmpty()).as("%s", report).isTrue();
	}

}
