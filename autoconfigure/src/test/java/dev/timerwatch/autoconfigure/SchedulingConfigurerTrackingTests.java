package dev.timerwatch.autoconfigure;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;
import dev.timerwatch.fixtures.ReportJob;
import dev.timerwatch.fixtures.TutorialSchedulingConfigurer;
import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @Scheduled} methods whatever runs them, counted once; and schedulers created in code,
 * put under tracking by hand.
 */
class SchedulingConfigurerTrackingTests {

	private static final String JOB = ReportJob.class.getName() + "#generate";

	private static final String NO_THREADS = "timerwatch.threads.enabled=false";

	// Threads are counted in the registry too, on a scheduler of their own: these tests count
	// what the scheduling hooks track.
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TimerwatchAutoConfiguration.class))
		.withPropertyValues(NO_THREADS)
		.withBean(ReportJob.class);

	@Test
	void aPoolSetByASchedulingConfigurerIsTracked() {
		this.contextRunner.withUserConfiguration(PoolConfigurer.class).run((context) -> {
			OriginStats job = awaitJob(context);
			assertThat(job.schedulerName()).isEqualTo("scheduledTaskRegistrar");
			assertThat(job.live()).isEqualTo(1);
		});
	}

	@Test
	void theRegistrarsOwnFallbackIsTrackedWhenTheContextHasNoScheduler() {
		this.contextRunner.withUserConfiguration(SchedulingOnly.class).run((context) -> {
			assertThat(context).doesNotHaveBean(TaskScheduler.class).doesNotHaveBean(ScheduledExecutorService.class);
			OriginStats job = awaitJob(context);
			assertThat(job.schedulerName()).isEqualTo("scheduledTaskRegistrar");
			assertThat(job.live()).isEqualTo(1);
		});
	}

	@Test
	void theFallbackExecutorRunsTheJobsAndStopsWithTheContext() {
		ThreadRecordingJob job = new ThreadRecordingJob();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TimerwatchAutoConfiguration.class))
			.withPropertyValues(NO_THREADS)
			.withBean(ThreadRecordingJob.class, () -> job)
			.withUserConfiguration(SchedulingOnly.class)
			.run((context) -> await().until(() -> job.thread != null));
		await().until(() -> !job.thread.isAlive());
	}

	@Test
	void aSchedulerInAParentContextRunsTheJobsAsSpringDecides() {
		ThreadPoolTaskScheduler parentScheduler = new ThreadPoolTaskScheduler();
		parentScheduler.setThreadNamePrefix("parent-scheduler-");
		parentScheduler.initialize();
		try {
			ThreadRecordingJob job = new ThreadRecordingJob();
			new ApplicationContextRunner().withBean("taskScheduler", TaskScheduler.class, () -> parentScheduler)
				.run((parent) -> new ApplicationContextRunner().withParent(parent)
					.withConfiguration(AutoConfigurations.of(TimerwatchAutoConfiguration.class))
					.withPropertyValues(NO_THREADS)
					.withBean(ThreadRecordingJob.class, () -> job)
					.withUserConfiguration(SchedulingOnly.class)
					.run((context) -> {
						await().until(() -> job.thread != null);
						assertThat(job.thread.getName()).startsWith("parent-scheduler-");
						// The parent's scheduler is no bean of this context: it is tracked here.
						assertThat(context.getBean(TimerRegistry.class).schedulers()).singleElement()
							.satisfies((tracker) -> assertThat(tracker.name()).isEqualTo("scheduledTaskRegistrar"));
					}));
		}
		finally {
			parentScheduler.shutdown();
		}
	}

	@Test
	void springsNoOpSchedulerIsLeftAlone() {
		this.contextRunner.withUserConfiguration(NoOpConfigurer.class).run((context) -> {
			Thread.sleep(100);
			assertThat(context.getBean(TimerRegistry.class).schedulers()).isEmpty();
		});
	}

	@Test
	void bootsSchedulerBeanIsUsedAndCountedOnceWithoutAConfigurer() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
			.withUserConfiguration(SchedulingOnly.class)
			.run((context) -> {
				OriginStats job = awaitJob(context);
				assertThat(job.schedulerName()).isEqualTo("taskScheduler");
				assertCountedOnce(context);
			});
	}

	@Test
	void aSchedulerBeanSetByAConfigurerIsCountedOnce() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
			.withUserConfiguration(BeanConfigurer.class)
			.run((context) -> {
				OriginStats job = awaitJob(context);
				assertThat(job.schedulerName()).isEqualTo("taskScheduler");
				assertCountedOnce(context);
			});
	}

	@Test
	void anExecutorBeanSetByAConfigurerIsCountedOnce() {
		this.contextRunner.withUserConfiguration(ExecutorBeanConfigurer.class).run((context) -> {
			TimerRegistry registry = context.getBean(TimerRegistry.class);
			await().until(() -> total(registry) == 1);
			assertThat(registry.schedulers()).singleElement()
				.satisfies((tracker) -> assertThat(tracker.name()).isEqualTo("reportExecutor"));
		});
	}

	@Test
	void anExecutorCreatedInCodeIsTrackedByHandAndOnlyOnce() throws Exception {
		this.contextRunner.run((context) -> {
			SchedulerTracking tracking = context.getBean(SchedulerTracking.class);
			ScheduledExecutorService raw = Executors.newScheduledThreadPool(1);
			try {
				ScheduledExecutorService tracked = tracking.track(raw, "ws-timeouts");
				assertThat(tracked).isInstanceOf(TrackingScheduledExecutorService.class);
				assertThat(tracking.track(tracked, "again")).isSameAs(tracked);
				ScheduledFuture<?> timeout = tracked.schedule(() -> { }, 1, TimeUnit.HOURS);
				OriginStats origin = single(context.getBean(TimerRegistry.class));
				assertThat(origin.schedulerName()).isEqualTo("ws-timeouts");
				assertThat(origin.pending()).isEqualTo(1);
				timeout.cancel(false);
				assertThat(origin.pending()).isZero();
			}
			finally {
				raw.shutdownNow();
			}
		});
	}

	@Test
	void aTaskSchedulerCreatedInCodeIsTrackedByHandAsItsOwnType() {
		this.contextRunner.run((context) -> {
			SchedulerTracking tracking = context.getBean(SchedulerTracking.class);
			ThreadPoolTaskScheduler raw = new ThreadPoolTaskScheduler();
			raw.initialize();
			try {
				ThreadPoolTaskScheduler tracked = tracking.track(raw, "jobs");
				assertThat(tracked).isNotSameAs(raw);
				assertThat(tracking.track(tracked, "again")).isSameAs(tracked);
				tracked.schedule(() -> { }, java.time.Instant.now().plusSeconds(3600));
				OriginStats origin = single(context.getBean(TimerRegistry.class));
				assertThat(origin.schedulerName()).isEqualTo("jobs");
				assertThat(origin.pending()).isEqualTo(1);
			}
			finally {
				raw.shutdown();
			}
		});
	}

	private static OriginStats awaitJob(AssertableApplicationContext context) {
		TimerRegistry registry = context.getBean(TimerRegistry.class);
		return await().until(() -> registry.origins().stream()
			.filter((origin) -> origin.origin().toString().equals(JOB))
			.findFirst()
			.orElse(null), (origin) -> origin != null);
	}

	private static void assertCountedOnce(AssertableApplicationContext context) {
		TimerRegistry registry = context.getBean(TimerRegistry.class);
		assertThat(total(registry)).isEqualTo(1);
		assertThat(registry.schedulers()).hasSize(1);
	}

	// Pending or running: a run may be in progress at any instant.
	private static long total(TimerRegistry registry) {
		return registry.origins().stream().mapToLong(OriginStats::live).sum();
	}

	private static OriginStats single(TimerRegistry registry) {
		List<OriginStats> origins = registry.origins();
		assertThat(origins).hasSize(1);
		return origins.get(0);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingOnly {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class NoOpConfigurer implements SchedulingConfigurer {

		@Override
		public void configureTasks(ScheduledTaskRegistrar registrar) {
			registrar.setTaskScheduler(new org.springframework.scheduling.support.NoOpTaskScheduler());
		}

	}

	public static class ThreadRecordingJob {

		volatile Thread thread;

		@org.springframework.scheduling.annotation.Scheduled(fixedRate = 20)
		public void run() {
			this.thread = Thread.currentThread();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	@Import(TutorialSchedulingConfigurer.class)
	static class PoolConfigurer {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class BeanConfigurer implements SchedulingConfigurer {

		private final TaskScheduler taskScheduler;

		BeanConfigurer(TaskScheduler taskScheduler) {
			this.taskScheduler = taskScheduler;
		}

		@Override
		public void configureTasks(ScheduledTaskRegistrar registrar) {
			registrar.setTaskScheduler(this.taskScheduler);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class ExecutorBeanConfigurer implements SchedulingConfigurer {

		private final ScheduledThreadPoolExecutor reportExecutor;

		ExecutorBeanConfigurer(ScheduledThreadPoolExecutor reportExecutor) {
			this.reportExecutor = reportExecutor;
		}

		@Bean(destroyMethod = "shutdownNow")
		static ScheduledThreadPoolExecutor reportExecutor() {
			return new ScheduledThreadPoolExecutor(1);
		}

		@Override
		public void configureTasks(ScheduledTaskRegistrar registrar) {
			// The bean, already under tracking: the registrar adapts it to a TaskScheduler.
			registrar.setScheduler(this.reportExecutor);
		}

	}

}
