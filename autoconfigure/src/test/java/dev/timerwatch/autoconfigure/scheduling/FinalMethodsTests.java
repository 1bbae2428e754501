package dev.timerwatch.autoconfigure.scheduling;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A class-based proxy cannot hand a {@code final} method to the bean: it runs on the proxy,
 * which must answer as the bean does, not from empty fields.
 */
class FinalMethodsTests {

	private final SchedulerTracking tracking = new SchedulerTracking(TimerRegistry::new);

	@Test
	void aTrackedSimpleAsyncTaskSchedulersFinalGettersAnswerAsTheBeansDo() {
		// The limit is kept in a final field, which Java 26 warns against writing by reflection.
		assumeTrue(Runtime.version().feature() < 26, "final fields are not copied from Java 26");
		try (SimpleAsyncTaskScheduler raw = new SimpleAsyncTaskScheduler()) {
			raw.setConcurrencyLimit(2);
			SimpleAsyncTaskScheduler tracked = this.tracking.track(raw, "simple");
			assertThat(tracked).isNotSameAs(raw);
			assertThat(tracked.getConcurrencyLimit()).isEqualTo(raw.getConcurrencyLimit()).isEqualTo(2);
			assertThat(tracked.isThrottleActive()).isEqualTo(raw.isThrottleActive()).isTrue();
			assertThat(tracked.getThreadFactory()).isSameAs(raw.getThreadFactory());
			// The limit lives in an object the proxy shares with the bean.
			tracked.setConcurrencyLimit(5);
			assertThat(raw.getConcurrencyLimit()).isEqualTo(5);
			assertThat(tracked.getConcurrencyLimit()).isEqualTo(5);
		}
	}

	@Test
	void aTrackedSimpleAsyncTaskSchedulerWithNoLimitSaysSoAsTheBeanDoes() {
		assumeTrue(Runtime.version().feature() < 26, "final fields are not copied from Java 26");
		try (SimpleAsyncTaskScheduler raw = new SimpleAsyncTaskScheduler()) {
			SimpleAsyncTaskScheduler tracked = this.tracking.track(raw, "unlimited");
			assertThat(tracked.isThrottleActive()).isEqualTo(raw.isThrottleActive()).isFalse();
			assertThat(tracked.getConcurrencyLimit()).isEqualTo(raw.getConcurrencyLimit());
		}
	}

	@Test
	void aTrackedSimpleAsyncTaskSchedulerGivesTheBeansThreadFactoryOnEveryJava() {
		try (SimpleAsyncTaskScheduler raw = new SimpleAsyncTaskScheduler()) {
			raw.setThreadFactory(Executors.defaultThreadFactory());
			SimpleAsyncTaskScheduler tracked = this.tracking.track(raw, "factory");
			assertThat(tracked.getThreadFactory()).isNotNull().isSameAs(raw.getThreadFactory());
		}
	}

	@Test
	void aTrackedConcurrentTaskSchedulerGivesTheBeansExecutor() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
		try {
			ConcurrentTaskScheduler raw = new ConcurrentTaskScheduler(executor);
			ConcurrentTaskScheduler tracked = this.tracking.track(raw, "concurrent");
			assertThat(tracked).isNotSameAs(raw);
			assertThat(tracked.getConcurrentExecutor()).isSameAs(raw.getConcurrentExecutor());
		}
		finally {
			executor.shutdownNow();
		}
	}

}
