package dev.timerwatch.mocks;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timerwatch.autoconfigure.TimerwatchAutoConfiguration;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.verify;

/**
 * A test's Mockito spy or mock of a scheduler bean stays the object the test verifies.
 */
@SpringJUnitConfig(SchedulerMocksTests.Schedulers.class)
@TestPropertySource(properties = "timerwatch.threads.enabled=false")
class SchedulerMocksTests {

	@MockitoSpyBean
	private ThreadPoolTaskScheduler appScheduler;

	@MockitoBean
	private ScheduledExecutorService timeouts;

	@Autowired
	private ThreadPoolTaskScheduler injectedScheduler;

	@Autowired
	private ScheduledExecutorService injectedTimeouts;

	@Autowired
	private TimerRegistry registry;

	@Autowired
	private Poller poller;

	@Test
	void aSpiedTaskSchedulerIsTheSpyThatIsInjectedAndVerified() {
		assertThat(this.injectedScheduler).isSameAs(this.appScheduler);
		assertThat(mockingDetails(this.injectedScheduler).isSpy()).isTrue();
		Runnable task = () -> {
		};
		this.injectedScheduler.schedule(task, Instant.now().plusSeconds(3600)).cancel(false);
		verify(this.appScheduler).schedule(eq(task), any(Instant.class));
		assertThat(this.registry.schedulers()).noneMatch((scheduler) -> scheduler.name().startsWith("appScheduler"));
	}

	@Test
	void scheduledMethodsRunOnTheSpyUntracked() {
		// Scheduled at startup, before any test method resets the spy's invocations.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.poller.polls.get() >= 2);
		assertThat(this.registry.schedulers()).isEmpty();
	}

	@Test
	void aMockedExecutorIsTheMockThatIsInjectedAndVerified() {
		assertThat(this.injectedTimeouts).isSameAs(this.timeouts);
		Runnable task = () -> {
		};
		this.injectedTimeouts.schedule(task, 1, TimeUnit.HOURS);
		verify(this.timeouts).schedule(task, 1, TimeUnit.HOURS);
		assertThat(this.registry.schedulers()).noneMatch((scheduler) -> scheduler.name().startsWith("timeouts"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	@ImportAutoConfiguration(TimerwatchAutoConfiguration.class)
	static class Schedulers {

		@Bean
		Poller poller() {
			return new Poller();
		}

		@Bean
		ThreadPoolTaskScheduler appScheduler() {
			ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
			scheduler.setPoolSize(1);
			return scheduler;
		}

		@Bean
		ScheduledExecutorService timeouts() {
			return java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
		}

	}

	static class Poller {

		private final AtomicInteger polls = new AtomicInteger();

		@Scheduled(fixedDelay = 20)
		void poll() {
			this.polls.incrementAndGet();
		}

	}

}
