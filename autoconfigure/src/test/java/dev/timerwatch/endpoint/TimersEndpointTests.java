package dev.timerwatch.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.timerwatch.fixtures.TimeoutClient;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TimersEndpointTests {

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get, 10_000);

	private final LeakDetector detector = new LeakDetector(this.registry, Duration.ofSeconds(10),
			Duration.ofSeconds(40), 1.0, this.clock::get);

	private final ScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, this.registry,
			"executor");

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void listsOriginsByPendingCountWithASummary() {
		TimeoutClient client = new TimeoutClient();
		for (int i = 0; i < 3; i++) {
			client.timeout(this.executor);
		}
		this.executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
		TimersDescriptor timers = endpoint(Show.NEVER).timers(null, null, SecurityContext.NONE);
		assertThat(timers.getSummary().getPending()).isEqualTo(3);
		assertThat(timers.getSummary().getRetainedCancelled()).isEqualTo(1);
		assertThat(timers.getSummary().getOrigins()).isEqualTo(2);
		assertThat(timers.getSummary().getSchedulers()).singleElement().satisfies((scheduler) -> {
			assertThat(scheduler.getName()).isEqualTo("executor");
			assertThat(scheduler.getType()).isEqualTo("ScheduledThreadPoolExecutor");
			assertThat(scheduler.getQueueSize()).isEqualTo(4);
			assertThat(scheduler.getRetainedCancelled()).isEqualTo(1);
		});
		OriginDescriptor top = timers.getOrigins().get(0);
		assertThat(top.getOrigin())
			.isEqualTo(TimeoutClient.class.getName() + ".timeout(TimeoutClient.java:" + TimeoutClient.EXECUTOR_LINE + ")");
		assertThat(top.getPending()).isEqualTo(3);
		assertThat(top.getKinds()).containsExactly("once");
		assertThat(top.getTrend()).isEqualTo("unknown");
		assertThat(top.getNextFireInMillis()).isPositive();
		assertThat(timers.getOrigins().get(1).getFlags()).contains("retained-cancelled");
		assertThat(timers.getOrigins().get(1).getHint()).contains("remove-on-cancel");
	}

	@Test
	void limitAndMinPendingNarrowTheList() {
		new TimeoutClient().timeout(this.executor);
		this.executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
		TimersEndpoint endpoint = endpoint(Show.NEVER);
		assertThat(endpoint.timers(1, null, SecurityContext.NONE).getOrigins()).hasSize(1);
		assertThat(endpoint.timers(null, 1L, SecurityContext.NONE).getOrigins()).singleElement()
			.satisfies((origin) -> assertThat(origin.getPending()).isEqualTo(1));
		assertThat(endpoint.timers(null, null, SecurityContext.NONE).getSummary().getOrigins()).isEqualTo(2);
	}

	@Test
	void rejectsALimitBelowOneAndANegativeMinimum() {
		TimersEndpoint endpoint = endpoint(Show.NEVER);
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.timers(0, null, SecurityContext.NONE))
			.withMessageContaining("limit");
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.timers(null, -1L, SecurityContext.NONE))
			.withMessageContaining("minPending");
	}

	@Test
	void rejectsALimitAboveTheBoundSoThatOneRequestCannotAskForAHugeBody() {
		TimersEndpoint endpoint = endpoint(Show.NEVER);
		assertThat(endpoint.timers(1_000, null, SecurityContext.NONE)).isNotNull();
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.timers(1_001, null, SecurityContext.NONE))
			.withMessageContaining("limit must be between 1 and 1000");
	}

	@Test
	void anUnknownIdIsNotFound() {
		assertThat(endpoint(Show.ALWAYS).origin("nope", SecurityContext.NONE)).isNull();
	}

	@Test
	void detailShowsHistoryTheOldestPendingTasksAndTheStackOnlyWhenAllowed() {
		new TimeoutClient().timeout(this.executor);
		for (int i = 0; i < 3; i++) {
			this.clock.addAndGet(10_000);
			this.detector.sample();
		}
		String id = endpoint(Show.NEVER).timers(null, null, SecurityContext.NONE).getOrigins().get(0).getId();
		OriginDetailDescriptor hidden = endpoint(Show.NEVER).origin(id, SecurityContext.NONE);
		assertThat(hidden).isNotNull();
		assertThat(hidden.getCreationStack()).isNull();
		assertThat(hidden.getHistory()).hasSize(3).allSatisfy((sample) -> assertThat(sample.getPending()).isEqualTo(1));
		assertThat(hidden.getOldestPending()).singleElement().satisfies((task) -> {
			assertThat(task.getKind()).isEqualTo("once");
			assertThat(task.getAgeSeconds()).isEqualTo(30);
		});
		OriginDetailDescriptor shown = endpoint(Show.ALWAYS).origin(id, SecurityContext.NONE);
		assertThat(shown.getCreationStack()).first().asString().contains("TimeoutClient.timeout");
	}

	private TimersEndpoint endpoint(Show show) {
		return new TimersEndpoint(this.registry, this.detector, show, Set.of(), List::of, (max) -> Map.of(),
				this.clock::get);
	}

}
