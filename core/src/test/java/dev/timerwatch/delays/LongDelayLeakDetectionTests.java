package dev.timerwatch.delays;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakDetector;
import dev.timerwatch.trend.OriginVerdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * From a real executor to the detector's verdict: a line that schedules 30-second timeouts,
 * each cancelled when its reply comes, and from some point on also an hour-long timeout that
 * nobody cancels, is reported leaking with the evidence of its long-delay lane; the same line
 * without the hour-long ones never is. The registry and the detector run on a simulated clock,
 * so no timeout fires.
 */
class LongDelayLeakDetectionTests {

	private static final Duration INTERVAL = Duration.ofSeconds(2);

	private static final Duration WINDOW = Duration.ofSeconds(30);

	private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get,
			LeakDetector.epochMillisFor(INTERVAL, WINDOW));

	private final LeakDetector detector = new LeakDetector(this.registry, INTERVAL, WINDOW, 0.5, this.clock::get);

	// The healthy timeouts not yet answered, oldest first.
	private final Deque<ScheduledFuture<?>> awaitingReply = new ArrayDeque<>();

	private ScheduledExecutorService executor;

	static Stream<? extends Arguments> paths() {
		return TrackedExecutors.paths();
	}

	@AfterEach
	void shutDown() {
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

	@ParameterizedTest
	@MethodSource("paths")
	void hourLongTimeoutsNobodyCancelsAmongAnsweredOnesAreFoundInTheLongDelayLane(
			Function<TimerRegistry, ScheduledExecutorService> path) {
		this.executor = path.apply(this.registry);
		runHealthy(Duration.ofMinutes(3), false);
		assertThat(this.detector.report().verdicts()).singleElement()
			.satisfies((healthy) -> assertThat(healthy.isLeaking()).isFalse());
		runHealthy(WINDOW.multipliedBy(2), true);
		assertThat(this.detector.report().verdicts()).hasSize(1);
		OriginVerdict verdict = this.detector.report().verdicts().get(0);
		assertThat(verdict.isLeaking()).as("leaking within two windows").isTrue();
		assertThat(verdict.longDelayTasks()).isTrue();
		// Three times the longest delay of the answered timeouts, 30 s.
		assertThat(verdict.longDelayOverMillis()).isEqualTo(90_000);
		assertThat(verdict.evidence()).contains(" one-shot tasks with delays over ");
	}

	@ParameterizedTest
	@MethodSource("paths")
	void theSameLineWithoutThemIsNeverReported(Function<TimerRegistry, ScheduledExecutorService> path) {
		this.executor = path.apply(this.registry);
		runHealthy(Duration.ofMinutes(3).plus(WINDOW.multipliedBy(2)), false);
		assertThat(this.detector.report().verdicts()).singleElement()
			.satisfies((verdict) -> assertThat(verdict.isLeaking()).isFalse())
			.satisfies((verdict) -> assertThat(verdict.longDelayTasks()).isFalse());
	}

	// Every sample interval: five requests, each with a 30-second timeout, answered 10 s later;
	// with leaking on, one request more whose hour-long timeout is never cancelled.
	private void runHealthy(Duration duration, boolean leaking) {
		for (long elapsed = 0; elapsed < duration.toMillis(); elapsed += INTERVAL.toMillis()) {
			for (int i = 0; i < 5; i++) {
				this.awaitingReply.addLast(timeout(30));
			}
			if (leaking) {
				timeout(3_600);
			}
			while (this.awaitingReply.size() > 5 * 5) {
				this.awaitingReply.removeFirst().cancel(false);
			}
			this.clock.addAndGet(INTERVAL.toMillis());
			this.detector.sample();
		}
	}

	// One line, so that every timeout has one origin.
	private ScheduledFuture<?> timeout(long seconds) {
		return this.executor.schedule(() -> { }, seconds, TimeUnit.SECONDS);
	}

}
