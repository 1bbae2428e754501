package dev.timerwatch.trend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code TIMER LEAK:} line for each kind of origin, from a real registry and detector.
 */
class LeakHintsTests {

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get, 1_000);

	private final SchedulerTracker scheduler = this.registry.register("taskScheduler", "ThreadPoolTaskScheduler");

	@Test
	void aReportAsksForTheCreatingStackOnlyWhereTheEndpointDoesNotShowItToEveryReader() {
		OriginVerdict verdict = leakingVerdict(
				TaskOrigin.callSite("com.example.PingService", "start", "PingService.java", 42), TaskKind.FIXED_RATE);
		String details = "Details: GET /actuator/timers/" + verdict.origin().id();
		assertThat(LeakHints.leakMessage(verdict, false)).endsWith(details
				+ " (set management.endpoint.timers.show-details=always for the creating stack).");
		assertThat(LeakHints.leakMessage(verdict, true)).endsWith(details + ".").doesNotContain("show-details");
	}

	@Test
	void leakOfAScheduledMethodNamesTheMethodAsTheSubject() {
		String message = leakMessage(TaskOrigin.scheduledMethod("com.example.SessionPoller", "poll"),
				TaskKind.FIXED_RATE);
		assertThat(message).matches(line("TIMER LEAK: @Scheduled method com.example.SessionPoller#poll keeps being "
				+ "scheduled again; ", " periodic tasks pending on scheduler 'taskScheduler', ",
				". Fix: tasks of a @Scheduled method keep piling up"));
	}

	@Test
	void leakOfPeriodicTasksNamesTheLineWhoseFutureIsNotCancelled() {
		String message = leakMessage(TaskOrigin.callSite("com.example.PingService", "start", "PingService.java", 42),
				TaskKind.FIXED_DELAY);
		assertThat(message).matches(line("TIMER LEAK: ScheduledFuture returned at "
				+ "com.example.PingService.start(PingService.java:42) is not cancelled; ", " periodic tasks pending "
				+ "on scheduler 'taskScheduler', ", ". Fix: periodic task never cancelled"));
	}

	@Test
	void leakOfOneShotTasksFromAnUnknownCallSiteSaysWhyItHasNoLine() {
		String message = leakMessage(TaskOrigin.unknown(), TaskKind.ONCE);
		assertThat(message).matches(line("TIMER LEAK: ScheduledFuture returned at an unknown call site "
				+ "(no application frame within timerwatch.origin.max-depth) is not cancelled; ", " one-shot tasks "
				+ "pending on scheduler 'taskScheduler', ", ". Fix: one-shot tasks scheduled faster"));
	}

	/**
	 * A pattern for a line that starts with the given text, a pending count where it is split,
	 * then the detector's evidence, then the fix.
	 */
	private static String line(String beforeCount, String afterCount, String fix) {
		return Pattern.quote(beforeCount) + "[1-9][0-9,]*" + Pattern.quote(afterCount)
				+ "[0-9,]+ tasks older than [^.]*" + Pattern.quote(fix) + ".*";
	}

	/**
	 * Five new tasks a second from one origin, sampled every second over a ten-second window,
	 * until the detector calls it a leak.
	 */
	private String leakMessage(TaskOrigin origin, TaskKind kind) {
		return LeakHints.leakMessage(leakingVerdict(origin, kind));
	}

	private OriginVerdict leakingVerdict(TaskOrigin origin, TaskKind kind) {
		LeakDetector detector = new LeakDetector(this.registry, Duration.ofSeconds(1), Duration.ofSeconds(10), 1.0,
				this.clock::get);
		List<OriginVerdict> leaking = new ArrayList<>();
		for (int second = 0; second < 60 && leaking.isEmpty(); second++) {
			for (int i = 0; i < 5; i++) {
				this.scheduler.admit(origin, kind);
			}
			this.clock.addAndGet(1_000);
			leaking.addAll(detector.sample());
		}
		assertThat(leaking).singleElement().satisfies((verdict) -> assertThat(verdict.origin().origin()).isEqualTo(origin));
		return leaking.get(0);
	}

}
