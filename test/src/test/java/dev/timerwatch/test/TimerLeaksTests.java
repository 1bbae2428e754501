package dev.timerwatch.test;

import java.time.Duration;
import java.util.Timer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The plain API, as another test framework would use it, on a registry and executor made by
 * hand.
 */
class TimerLeaksTests {

	private final TimerRegistry registry = new TimerRegistry();

	private final TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1,
			this.registry, "pinger");

	private final TimerLeakOptions tasksOnly = TimerLeakOptions.defaults()
		.withRegistries(this.registry)
		.withThreads(false)
		.withGracePeriod(Duration.ofMillis(100));

	@AfterEach
	void shutDown() {
		this.executor.shutdownNow();
	}

	@Test
	void tasksLeftPendingAreReportedWithTheirLineCountKindAndFix() {
		TimerLeakCheck check = TimerLeaks.begin(this.tasksOnly);
		int line = 0;
		for (int i = 0; i < 2; i++) {
			this.executor.schedule(() -> { }, 1, TimeUnit.HOURS); line = new Throwable().getStackTrace()[0].getLineNumber();
		}
		TimerLeakReport report = check.findLeaks();
		assertThat(report.threads()).isEmpty();
		assertThat(report.tasks()).singleElement().satisfies((leak) -> {
			assertThat(leak.count()).isEqualTo(2);
			assertThat(leak.isPeriodic()).isFalse();
			assertThat(leak.schedulerName()).isEqualTo("pinger");
		});
		String origin = "dev.timerwatch.test.TimerLeaksTests.tasksLeftPendingAreReportedWithTheirLineCountKindAndFix"
				+ "(TimerLeaksTests.java:" + line + ")";
		assertThatExceptionOfType(TimerLeakError.class).isThrownBy(() -> check.verifyNone("pinging twice"))
			.withMessageStartingWith("1 timer leak after pinging twice")
			.withMessageContaining("TIMER LEAK: ScheduledFuture returned at " + origin + " is not cancelled; 2 one-shot "
					+ "tasks created during the test still pending on scheduler 'pinger'. Fix: one-shot tasks scheduled "
					+ "faster than they run or are cancelled: cancel the ScheduledFuture when the awaited reply arrives, "
					+ "or reuse one timer instead of one per call.");
	}

	@Test
	void tasksPendingWhenTheCheckBeganAreNotBlamed() {
		ScheduledFuture<?> before = schedulePeriodic();
		TimerLeakCheck check = TimerLeaks.begin(this.tasksOnly);
		schedulePeriodic().cancel(false);
		assertThat(check.findLeaks().isEmpty()).isTrue();
		schedulePeriodic();
		assertThat(check.findLeaks().tasks()).singleElement()
			.satisfies((leak) -> assertThat(leak.count()).isEqualTo(1));
		before.cancel(false);
	}

	@Test
	void aTaskThatEndsWithinTheGracePeriodIsNotBlamed() throws InterruptedException {
		TimerLeakCheck check = TimerLeaks.begin(this.tasksOnly.withGracePeriod(Duration.ofSeconds(60)));
		CountDownLatch release = new CountDownLatch(1);
		this.executor.schedule(() -> {
			release.await();
			return null;
		}, 0, TimeUnit.MILLISECONDS);
		// The task ends only once the check has found it and backed off: no race with the clock.
		Thread checking = Thread.currentThread();
		AtomicBoolean releasedDuringBackOff = new AtomicBoolean();
		Thread releaser = new Thread(() -> {
			while (checking.getState() != Thread.State.TIMED_WAITING) {
				Thread.onSpinWait();
			}
			releasedDuringBackOff.set(true);
			release.countDown();
		});
		releaser.start();
		check.verifyNone();
		releaser.join();
		assertThat(releasedDuringBackOff).isTrue();
		assertThat(this.registry.origins()).singleElement()
			.satisfies((origin) -> assertThat(origin.completed()).isOne());
	}

	@Test
	void anIgnoredPackageIsNotReported() {
		TimerLeakCheck check = TimerLeaks.begin(this.tasksOnly.withIgnoredOrigins("dev.timerwatch.test"));
		ScheduledFuture<?> leaked = schedulePeriodic();
		check.verifyNone();
		leaked.cancel(false);
	}

	@Test
	void withoutThreadOriginsALeakedThreadIsNamedAndItsLineIsUnknown() {
		TimerLeakCheck check = TimerLeaks.begin(TimerLeakOptions.defaults()
			.withThreadOrigins(false)
			.withGracePeriod(Duration.ofMillis(50)));
		Timer timer = new Timer("origin-unknown");
		try {
			assertThatExceptionOfType(TimerLeakError.class).isThrownBy(check::verifyNone)
				.withMessageContaining("TIMER LEAK: java.util.Timer started at an unknown line (thread origins are off: "
						+ "timerwatch.test.thread-origins=false) is not cancelled; 1 thread started during the test still "
						+ "alive after 50 ms ('origin-unknown'). Fix: cancel the Timer");
		}
		finally {
			timer.cancel();
		}
	}

	private ScheduledFuture<?> schedulePeriodic() {
		return this.executor.scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.HOURS);
	}

}
