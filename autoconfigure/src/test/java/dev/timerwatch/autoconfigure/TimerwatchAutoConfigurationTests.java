package dev.timerwatch.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;
import dev.timerwatch.fixtures.CronJob;
import dev.timerwatch.fixtures.ReportJob;
import dev.timerwatch.fixtures.TimeoutClient;
import dev.timerwatch.health.TimersSampler;
import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.threads.ThreadLeakTracker;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.CustomScopeConfigurer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.context.annotation.ScopedProxyMode;
import org.springframework.context.support.SimpleThreadScope;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class TimerwatchAutoConfigurationTests {

	// Threads are counted in the registry too, on a scheduler of their own: most of these tests
	// count what the scheduler beans track, and turn it off.
	private final ApplicationContextRunner withThreads = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TimerwatchAutoConfiguration.class));

	private final ApplicationContextRunner contextRunner = this.withThreads
		.withPropertyValues("timerwatch.threads.enabled=false");

	@Test
	void threadsAreWatchedInTheRegistry() {
		this.withThreads.run((context) -> {
			assertThat(context).hasSingleBean(ThreadLeakTracker.class);
			// The recording starts in the background: the first in a JVM takes a while.
			await().atMost(Duration.ofSeconds(60)).until(context.getBean(ThreadLeakTracker.class)::isRecording);
			assertThat(context.getBean(TimerRegistry.class).schedulers())
				.anySatisfy((scheduler) -> assertThat(scheduler.name()).isEqualTo(ThreadLeakTracker.SCHEDULER));
		});
	}

	@Test
	void threadsCanBeLeftAlone() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(ThreadLeakTracker.class);
			assertThat(context.getBean(TimerRegistry.class).schedulers()).isEmpty();
		});
	}

	@Test
	void threadsEnabledMustBeABoolean() {
		this.withThreads.withPropertyValues("timerwatch.threads.enabled=sometimes")
			.run((context) -> assertThat(context).hasFailed());
	}

	@ParameterizedTest
	@CsvSource({ ", false", "never, false", "when-authorized, false", "always, true", "ALWAYS, true" })
	void theSamplerKnowsWhetherTheEndpointShowsCreatingStacksToEveryReader(String showDetails, boolean shown) {
		ApplicationContextRunner runner = (showDetails != null)
				? this.contextRunner.withPropertyValues("management.endpoint.timers.show-details=" + showDetails)
				: this.contextRunner;
		runner.run((context) -> assertThat(context.getBean(TimersSampler.class)).extracting("stacksShown")
			.isEqualTo(shown));
	}

	@Test
	void registryIsAutoConfigured() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(TimerRegistry.class));
	}

	@Test
	void backsOffWhenUserDefinesTheirOwnRegistry() {
		this.contextRunner.withBean("customRegistry", TimerRegistry.class, TimerRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(TimerRegistry.class).hasBean("customRegistry"));
	}

	@Test
	void everythingIsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("timerwatch.enabled=false")
			.withUserConfiguration(ThreadPoolTaskSchedulerConfiguration.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(TimerRegistry.class);
				assertThat(context.getBean(TaskScheduler.class)).hasSameClassAs(new ThreadPoolTaskScheduler());
			});
	}

	@Test
	void codeThatTracksItsOwnSchedulersStartsAndRunsUntrackedWhenDisabled() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(TimerwatchOffAutoConfiguration.class))
			.withPropertyValues("timerwatch.enabled=false")
			.withUserConfiguration(SelfTrackingConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(TimerRegistry.class);
				SelfTrackingConfiguration configuration = context.getBean(SelfTrackingConfiguration.class);
				assertThat(configuration.executor).isSameAs(configuration.created);
				assertThat(configuration.scheduler).isSameAs(configuration.createdScheduler);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class SelfTrackingConfiguration {

		final ScheduledExecutorService created = Executors.newSingleThreadScheduledExecutor();

		final ThreadPoolTaskScheduler createdScheduler = new ThreadPoolTaskScheduler();

		final ScheduledExecutorService executor;

		final ThreadPoolTaskScheduler scheduler;

		SelfTrackingConfiguration(SchedulerTracking tracking) {
			this.executor = tracking.track(this.created, "own-executor");
			this.scheduler = tracking.track(this.createdScheduler, "own-scheduler");
			this.created.shutdownNow();
		}

	}

	@Test
	void threadPoolTaskSchedulerStaysInjectableAsItsTypeAndIsTracked() {
		this.contextRunner.withUserConfiguration(ThreadPoolTaskSchedulerConfiguration.class).run((context) -> {
			ThreadPoolTaskScheduler scheduler = context.getBean(ThreadPoolTaskScheduler.class);
			assertThat(scheduler.getClass().getSuperclass()).isEqualTo(ThreadPoolTaskScheduler.class);
			assertThat(AopUtils.getTargetClass(scheduler)).isEqualTo(ThreadPoolTaskScheduler.class);
			assertThat(scheduler.getScheduledThreadPoolExecutor()).isNotNull();
			ScheduledFuture<?> timeout = new TimeoutClient().timeout(scheduler);
			OriginStats origin = single(context.getBean(TimerRegistry.class));
			assertThat(origin.schedulerName()).isEqualTo("appScheduler");
			assertThat(origin.origin().getClassName()).isEqualTo(TimeoutClient.class.getName());
			assertThat(origin.origin().getLineNumber()).isEqualTo(TimeoutClient.TASK_SCHEDULER_LINE);
			assertThat(origin.pending()).isEqualTo(1);
			assertThat(timeout.cancel(false)).isTrue();
			assertThat(origin.pending()).isZero();
			assertThat(origin.cancelled()).isEqualTo(1);
		});
	}

	@Test
	void bootsExecutorMetricsStillBindToAProxiedThreadPoolTaskScheduler() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class,
					org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration.class,
					org.springframework.boot.micrometer.metrics.autoconfigure.task.TaskExecutorMetricsAutoConfiguration.class))
			.withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class,
					io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
			.withUserConfiguration(ScheduledJobConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean("taskScheduler").getClass().getSuperclass())
					.isEqualTo(ThreadPoolTaskScheduler.class);
				io.micrometer.core.instrument.MeterRegistry meters = context
					.getBean(io.micrometer.core.instrument.MeterRegistry.class);
				assertThat(meters.get("executor.pool.size").tag("name", "taskScheduler").gauge()).isNotNull();
			});
	}

	@Test
	void countsCancelledTasksAThreadPoolTaskSchedulerRetains() {
		this.contextRunner.withUserConfiguration(ThreadPoolTaskSchedulerConfiguration.class).run((context) -> {
			ThreadPoolTaskScheduler scheduler = context.getBean(ThreadPoolTaskScheduler.class);
			new TimeoutClient().timeout(scheduler).cancel(false);
			new TimeoutClient().timeout(scheduler).cancel(false);
			TimerRegistry registry = context.getBean(TimerRegistry.class);
			assertThat(registry.schedulers()).singleElement()
				.satisfies((tracker) -> assertThat(tracker.probe().retainedCancelled()).isEqualTo(2));
		});
	}

	@Test
	void simpleAsyncTaskSchedulerIsTracked() {
		this.contextRunner.withBean("virtualScheduler", SimpleAsyncTaskScheduler.class, SimpleAsyncTaskScheduler::new)
			.run((context) -> {
				SimpleAsyncTaskScheduler scheduler = context.getBean(SimpleAsyncTaskScheduler.class);
				new TimeoutClient().timeout(scheduler);
				assertThat(single(context.getBean(TimerRegistry.class)).pending()).isEqualTo(1);
			});
	}

	@Test
	void simpleAsyncTaskSchedulerIsProxiedWithoutAWarningPerFinalMethod(CapturedOutput output) {
		// Spring validates each proxied class once per JVM, so a class no other test proxies.
		this.contextRunner.withBean("virtualScheduler", VirtualThreadScheduler.class, VirtualThreadScheduler::new)
			.run((context) -> {
				assertThat(context.getBean(SimpleAsyncTaskScheduler.class)).isInstanceOf(VirtualThreadScheduler.class);
				new TimeoutClient().timeout(context.getBean(SimpleAsyncTaskScheduler.class));
				assertThat(single(context.getBean(TimerRegistry.class)).pending()).isEqualTo(1);
			});
		assertThat(output).doesNotContain("cannot get proxied");
	}

	@Test
	void scheduledThreadPoolExecutorIsReplacedByATrackingOneWithTheSameConfiguration() {
		this.contextRunner.withUserConfiguration(ExecutorConfiguration.class).run((context) -> {
			ScheduledThreadPoolExecutor executor = context.getBean(ScheduledThreadPoolExecutor.class);
			assertThat(executor).isInstanceOf(TrackingScheduledThreadPoolExecutor.class);
			assertThat(executor.getCorePoolSize()).isEqualTo(3);
			assertThat(executor.getRemoveOnCancelPolicy()).isTrue();
			new TimeoutClient().timeout(executor);
			OriginStats origin = single(context.getBean(TimerRegistry.class));
			assertThat(origin.origin().getLineNumber()).isEqualTo(TimeoutClient.EXECUTOR_LINE);
			assertThat(origin.schedulerName()).isEqualTo("executor");
		});
	}

	@Test
	void aReferenceTheBeanMethodKeptToTheReplacedExecutorStillRunsTasks() {
		this.contextRunner.withUserConfiguration(KeptExecutorConfiguration.class).run((context) -> {
			assertThat(context.getBean(ScheduledThreadPoolExecutor.class))
				.isInstanceOf(TrackingScheduledThreadPoolExecutor.class);
			ScheduledThreadPoolExecutor kept = context.getBean(KeptExecutorConfiguration.class).kept;
			assertThat(kept).isNotInstanceOf(TrackingScheduledThreadPoolExecutor.class);
			try {
				assertThat(kept.submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
			}
			finally {
				kept.shutdownNow();
			}
		});
	}

	@Test
	void aTaskSchedulerBehindAScopedProxyIsTrackedOnceAsItsTarget() {
		this.contextRunner.withUserConfiguration(ScopedSchedulerConfiguration.class).run((context) -> {
			TaskScheduler scheduler = context.getBean("scopedScheduler", TaskScheduler.class);
			ScheduledFuture<?> timeout = new TimeoutClient().timeout(scheduler);
			TimerRegistry registry = context.getBean(TimerRegistry.class);
			try {
				assertThat(registry.schedulers()).extracting(SchedulerTracker::name)
					.containsExactly("scopedTarget.scopedScheduler");
				assertThat(single(registry).pending()).isEqualTo(1);
			}
			finally {
				timeout.cancel(false);
				context.getBean("scopedTarget.scopedScheduler", ThreadPoolTaskScheduler.class).shutdown();
			}
		});
	}

	@Test
	void interfaceTypedExecutorIsDecorated() {
		this.contextRunner.withUserConfiguration(InterfaceExecutorConfiguration.class).run((context) -> {
			ScheduledExecutorService executor = context.getBean(ScheduledExecutorService.class);
			assertThat(executor).isInstanceOf(TrackingScheduledExecutorService.class);
			new TimeoutClient().timeout(executor);
			assertThat(single(context.getBean(TimerRegistry.class)).pending()).isEqualTo(1);
		});
	}

	@Test
	void executorSubclassIsLeftAloneAndNamedInAWarning(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(SubclassExecutorConfiguration.class).run((context) -> {
			assertThat(context.getBean(ScheduledThreadPoolExecutor.class)).isExactlyInstanceOf(CustomExecutor.class);
			assertThat(output).contains("timerwatch cannot track 1 scheduler bean(s)")
				.contains("'customExecutor': it is a subclass");
		});
	}

	@Test
	void scheduledMethodsAreAttributedToTheirMethodAndCounted() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
			.withUserConfiguration(ScheduledJobConfiguration.class)
			.run((context) -> {
				ReportJob job = context.getBean(ReportJob.class);
				await().untilAsserted(() -> assertThat(job.runs).hasValueGreaterThanOrEqualTo(3));
				OriginStats origin = single(context.getBean(TimerRegistry.class));
				assertThat(origin.origin().describe()).isEqualTo(ReportJob.class.getName() + "#generate");
				assertThat(origin.kinds()).containsExactly(TaskKind.FIXED_RATE);
				assertThat(origin.schedulerName()).isEqualTo("taskScheduler");
				assertThat(origin.scheduled()).isEqualTo(1);
				await().untilAsserted(() -> assertThat(origin.runs()).isGreaterThanOrEqualTo(3));
			});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "a ScheduledThreadPoolExecutor bean, exact", "a ScheduledExecutorService bean, decorated" })
	void scheduledMethodsRunByAnExecutorBeanAreAttributedToTheirMethod(String name, String how) {
		this.contextRunner.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
			.withUserConfiguration(ScheduledJobConfiguration.class)
			.withBean("jobExecutor", ScheduledExecutorService.class,
					() -> how.equals("exact") ? new ScheduledThreadPoolExecutor(1)
							: Executors.newSingleThreadScheduledExecutor())
			.withBean(CronJob.class)
			.run((context) -> {
				ReportJob job = context.getBean(ReportJob.class);
				CronJob cron = context.getBean(CronJob.class);
				// A cron task is scheduled again after each run, on the executor's thread.
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(cron.runs).hasValueGreaterThanOrEqualTo(2));
				assertThat(job.runs).hasValueGreaterThanOrEqualTo(3);
				assertThat(context.getBean(TimerRegistry.class).origins())
					.extracting((origin) -> origin.origin().describe(), OriginStats::schedulerName)
					.containsExactlyInAnyOrder(tuple(ReportJob.class.getName() + "#generate", "jobExecutor"),
							tuple(CronJob.class.getName() + "#tick", "jobExecutor"));
			});
	}

	@Test
	void originMaxDepthMustBePositive() {
		this.contextRunner.withPropertyValues("timerwatch.origin.max-depth=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("timerwatch.origin.max-depth");
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			timerwatch.health.sample-interval=500us                                  | timerwatch.health.sample-interval
			timerwatch.health.sample-interval=0s                                     | timerwatch.health.sample-interval
			timerwatch.health.sample-interval=1ms                                    | timerwatch.health.sample-interval
			timerwatch.health.sample-interval=1s;timerwatch.health.window=1d         | timerwatch.health.window
			timerwatch.health.min-growth-per-minute=Infinity                         | timerwatch.health.min-growth-per-minute
			timerwatch.health.min-growth-per-minute=NaN                              | timerwatch.health.min-growth-per-minute
			timerwatch.origin.max-origins=0                                          | timerwatch.origin.max-origins
			timerwatch.origin.idle-timeout=1s                                        | timerwatch.origin.idle-timeout
			""")
	void invalidSettingsFailAtStartupNamingTheProperty(String setting, String property) {
		this.contextRunner.withPropertyValues(setting.split(";")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(property);
		});
	}

	@Test
	void originTableSettingsReachTheRegistry() {
		this.contextRunner.withPropertyValues("timerwatch.origin.max-origins=7")
			.run((context) -> assertThat(context.getBean(TimerRegistry.class).maxOrigins()).isEqualTo(7));
	}

	private static OriginStats single(TimerRegistry registry) {
		assertThat(registry.origins()).hasSize(1);
		return registry.origins().get(0);
	}

	@Configuration(proxyBeanMethods = false)
	static class ThreadPoolTaskSchedulerConfiguration {

		@Bean
		ThreadPoolTaskScheduler appScheduler() {
			return new ThreadPoolTaskScheduler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ExecutorConfiguration {

		@Bean(destroyMethod = "shutdownNow")
		ScheduledThreadPoolExecutor executor() {
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(3);
			executor.setRemoveOnCancelPolicy(true);
			return executor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ScopedSchedulerConfiguration {

		@Bean
		static CustomScopeConfigurer threadScope() {
			CustomScopeConfigurer configurer = new CustomScopeConfigurer();
			configurer.addScope("thread", new SimpleThreadScope());
			return configurer;
		}

		@Bean
		@Scope(scopeName = "thread", proxyMode = ScopedProxyMode.TARGET_CLASS)
		ThreadPoolTaskScheduler scopedScheduler() {
			return new ThreadPoolTaskScheduler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class KeptExecutorConfiguration {

		ScheduledThreadPoolExecutor kept;

		@Bean(destroyMethod = "shutdownNow")
		ScheduledThreadPoolExecutor keptExecutor() {
			this.kept = new ScheduledThreadPoolExecutor(1);
			return this.kept;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterfaceExecutorConfiguration {

		@Bean(destroyMethod = "shutdownNow")
		ScheduledExecutorService singleExecutor() {
			return Executors.newSingleThreadScheduledExecutor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SubclassExecutorConfiguration {

		@Bean(destroyMethod = "shutdownNow")
		CustomExecutor customExecutor() {
			return new CustomExecutor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class ScheduledJobConfiguration {

		@Bean
		ReportJob reportJob() {
			return new ReportJob();
		}

	}

	static class VirtualThreadScheduler extends SimpleAsyncTaskScheduler {

	}

	static class CustomExecutor extends ScheduledThreadPoolExecutor {

		CustomExecutor() {
			super(1);
		}

	}

}
