package dev.timerwatch.autoconfigure;

import java.util.concurrent.ScheduledThreadPoolExecutor;

import dev.timerwatch.endpoint.TimersEndpoint;
import dev.timerwatch.fixtures.TimeoutClient;
import dev.timerwatch.health.TimersHealthIndicator;
import dev.timerwatch.health.TimersSampler;
import dev.timerwatch.metrics.TimersMetrics;
import dev.timerwatch.trend.LeakDetector;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint, health and metrics auto-configurations.
 */
class TimersAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TimerwatchAutoConfiguration.class,
				TimersEndpointAutoConfiguration.class, TimersHealthContributorAutoConfiguration.class,
				TimersMetricsAutoConfiguration.class));

	@Test
	void endpointIsAutoConfiguredWhenExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=timers")
			.run((context) -> assertThat(context).hasSingleBean(TimersEndpoint.class));
	}

	@Test
	void endpointIsNotAutoConfiguredWhenNotExposed() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(TimersEndpoint.class));
	}

	@Test
	void nothingIsConfiguredWhenTimerwatchIsOffEvenWithARegistryOfTheApplications() {
		this.contextRunner
			.withPropertyValues("timerwatch.enabled=false", "management.endpoints.web.exposure.include=timers")
			.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("applicationRegistry", dev.timerwatch.tracking.TimerRegistry.class,
					dev.timerwatch.tracking.TimerRegistry::new)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(TimersEndpoint.class)
				.doesNotHaveBean(TimersHealthIndicator.class)
				.doesNotHaveBean(TimersMetrics.class));
	}

	@Test
	void backsOffWhenUserDefinesTheirOwnEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=timers")
			.withUserConfiguration(CustomEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(TimersEndpoint.class).hasBean("customTimers"));
	}

	@Test
	void healthIndicatorIsAutoConfiguredAsTimers() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("timersHealthIndicator");
			Health health = context.getBean(TimersHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("pending", 0L);
		});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.timers.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TimersHealthIndicator.class));
	}

	@Test
	void healthIsDownAboveTheMaximumPendingCount() {
		this.contextRunner.withPropertyValues("timerwatch.health.max-pending=1")
			.withBean("executor", ScheduledThreadPoolExecutor.class, () -> new ScheduledThreadPoolExecutor(1))
			.run((context) -> {
				ScheduledThreadPoolExecutor executor = context.getBean(ScheduledThreadPoolExecutor.class);
				new TimeoutClient().timeout(executor);
				new TimeoutClient().timeout(executor);
				Health health = context.getBean(TimersHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("pending", 2L).containsEntry("maxPending", 1L);
				executor.shutdownNow();
			});
	}

	@Test
	void metersAreBoundForEachOriginAfterASample() {
		this.contextRunner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("executor", ScheduledThreadPoolExecutor.class, () -> new ScheduledThreadPoolExecutor(1))
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				context.getBean(TimersMetrics.class).bindTo(meters);
				ScheduledThreadPoolExecutor executor = context.getBean(ScheduledThreadPoolExecutor.class);
				new TimeoutClient().timeout(executor);
				context.getBean(TimersSampler.class).sample();
				String origin = TimeoutClient.class.getName() + ".timeout(TimeoutClient.java:"
						+ TimeoutClient.EXECUTOR_LINE + ")";
				assertThat(meters.get("timers.pending").tags("scheduler", "executor", "origin", origin).gauge().value())
					.isEqualTo(1.0);
				assertThat(meters.get("timers.scheduled").tags("origin", origin).functionCounter().count())
					.isEqualTo(1.0);
				// The detector's verdict, wired in: one pending timeout is no leak.
				assertThat(meters.get("timers.leaking").tags("scheduler", "executor", "origin", origin).gauge().value())
					.isZero();
				assertThat(meters.get("timers.retained.cancelled").tags("scheduler", "executor").gauge().value())
					.isZero();
				executor.shutdownNow();
			});
	}

	@Test
	void theLeakDetectorBacksOff() {
		this.contextRunner.withBean("customDetector", LeakDetector.class,
				() -> new LeakDetector(new dev.timerwatch.tracking.TimerRegistry(), java.time.Duration.ofSeconds(1),
						java.time.Duration.ofSeconds(2), 1, System::currentTimeMillis))
			.run((context) -> assertThat(context).hasSingleBean(LeakDetector.class).hasBean("customDetector"));
	}

	@Test
	void sampleIntervalMustBePositive() {
		assertStartupFailsNaming("timerwatch.health.sample-interval=-1s", "timerwatch.health.sample-interval");
	}

	@Test
	void windowMustHoldAtMostAThousandSamples() {
		this.contextRunner.withPropertyValues("timerwatch.health.sample-interval=100ms", "timerwatch.health.window=101s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("timerwatch.health.window");
			});
		this.contextRunner.withPropertyValues("timerwatch.health.sample-interval=100ms", "timerwatch.health.window=100s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void windowMustHoldTwoSamples() {
		assertStartupFailsNaming("timerwatch.health.window=15s", "timerwatch.health.window");
	}

	@Test
	void leakStatusMustBeAStatusCode() {
		assertStartupFailsNaming("timerwatch.health.leak-status=leak!", "timerwatch.health.leak-status");
	}

	@Test
	void leakStatusMustNotBeOneOfBootsOwn() {
		for (String status : new String[] { "UP", "unknown", "DOWN", "OUT_OF_SERVICE" }) {
			assertStartupFailsNaming("timerwatch.health.leak-status=" + status, "timerwatch.health.leak-status");
		}
	}

	@Test
	void excludedPackagesMustBePackageNames() {
		for (String excluded : new String[] { "com.example.*", "com/example", "com..example", ".com" }) {
			assertStartupFailsNaming("timerwatch.origin.exclude-packages=" + excluded,
					"timerwatch.origin.exclude-packages");
		}
		this.contextRunner.withPropertyValues("timerwatch.origin.exclude-packages=com.example.scheduling, org.acme.,")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void minGrowthMustBePositive() {
		assertStartupFailsNaming("timerwatch.health.min-growth-per-minute=0", "timerwatch.health.min-growth-per-minute");
	}

	@Test
	void maxOriginsMustNotBeNegative() {
		assertStartupFailsNaming("timerwatch.metrics.max-origins=-1", "timerwatch.metrics.max-origins");
	}

	private void assertStartupFailsNaming(String property, String name) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(name);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomEndpointConfiguration {

		@Bean
		TimersEndpoint customTimers(dev.timerwatch.tracking.TimerRegistry registry, LeakDetector detector) {
			return new TimersEndpoint(registry, detector, org.springframework.boot.actuate.endpoint.Show.NEVER,
					java.util.Set.of());
		}

	}

}
