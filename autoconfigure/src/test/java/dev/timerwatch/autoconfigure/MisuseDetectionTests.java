package dev.timerwatch.autoconfigure;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.timerwatch.endpoint.TimersDescriptor.MisuseDescriptor;
import dev.timerwatch.endpoint.TimersEndpoint;
import dev.timerwatch.fixtures.MisbehavingJobs;
import dev.timerwatch.misuse.Misuse;
import dev.timerwatch.misuse.MisuseDetector;
import dev.timerwatch.misuse.MisuseType;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each misuse, in a real application context with Boot's own scheduler: the finding appears
 * in the detector, the endpoint and the {@code timers.misuse} meter, and is logged once. A
 * suite of well-behaved jobs yields none.
 */
@ExtendWith(OutputCaptureExtension.class)
class MisuseDetectionTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TimerwatchAutoConfiguration.class,
				TimersEndpointAutoConfiguration.class, TimersMetricsAutoConfiguration.class,
				TaskSchedulingAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=timers",
				"timerwatch.health.sample-interval=100ms", "timerwatch.health.window=1s");

	@Test
	void aPeriodShorterThanTheThresholdIsAHotLoop(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class)
			.withBean(MisbehavingJobs.HotLoopJob.class)
			.run((context) -> {
				MisuseDescriptor finding = awaitFinding(context, MisuseType.HOT_LOOP);
				assertThat(finding.getOrigin()).isEqualTo(MisbehavingJobs.HotLoopJob.class.getName() + "#poll");
				assertThat(finding.getEvidence()).isEqualTo("runs every 5 ms (threshold 100 ms)");
				assertThat(finding.getFix()).contains("milliseconds");
				assertCountedAndLoggedOnce(context, output, MisuseType.HOT_LOOP);
			});
	}

	@Test
	void aFixedDelayShorterThanTheThresholdWithShortRunsIsAHotLoop(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class)
			.withBean(MisbehavingJobs.FixedDelayHotLoopJob.class)
			.run((context) -> {
				MisuseDescriptor finding = awaitFinding(context, MisuseType.HOT_LOOP);
				assertThat(finding.getOrigin()).endsWith("FixedDelayHotLoopJob#poll");
				assertThat(finding.getEvidence())
					.matches("runs every [\\d.]+ ms \\(a delay of 5 ms after each run, 20 cycles in a row; threshold 100 ms\\)");
				assertCountedAndLoggedOnce(context, output, MisuseType.HOT_LOOP);
			});
	}

	@Test
	void aRunLongerThanItsPeriodIsAnOverrunAndTheLateRunsItCausesAreNoStarvation(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class)
			.withBean(MisbehavingJobs.OverrunningJob.class)
			.run((context) -> {
				MisuseDescriptor finding = awaitFinding(context, MisuseType.OVERRUN);
				assertThat(finding.getOrigin()).endsWith("OverrunningJob#export");
				assertThat(finding.getEvidence()).matches("a run took \\d+ ms, longer than its period of 30 ms");
				assertCountedAndLoggedOnce(context, output, MisuseType.OVERRUN);
				// Each run of 80 ms every 30 ms starts 50 ms later than the last: past the
				// starvation threshold of 1 s after about 20 runs.
				Thread.sleep(2_500);
				context.getBean(MisuseDetector.class).check();
				assertThat(context.getBean(MisuseDetector.class).findings()).extracting(Misuse::type)
					.contains(MisuseType.OVERRUN)
					.doesNotContain(MisuseType.STARVATION);
			});
	}

	@Test
	void aScheduledMethodFailingRunAfterRunIsARepeatedFailure(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class)
			.withBean(MisbehavingJobs.FailingJob.class)
			.run((context) -> {
				MisuseDescriptor finding = awaitFinding(context, MisuseType.REPEATED_FAILURE);
				assertThat(finding.getOrigin()).endsWith("FailingJob#sync");
				assertThat(finding.getEvidence())
					.contains("runs in a row failed, the last with java.lang.IllegalStateException")
					.doesNotContain("remote system down");
				assertThat(finding.getFailure()).as("the message, with details not shown").isNull();
				assertCountedAndLoggedOnce(context, output, MisuseType.REPEATED_FAILURE);
				assertThat(output).contains("(java.lang.IllegalStateException: remote system down)");
			});
	}

	@Test
	void whatAFailedRunThrewIsShownOnTheEndpointOnlyWithDetails() {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class)
			.withBean(MisbehavingJobs.FailingJob.class)
			.withPropertyValues("management.endpoint.timers.show-details=always")
			.run((context) -> assertThat(awaitFinding(context, MisuseType.REPEATED_FAILURE).getFailure())
				.isEqualTo("java.lang.IllegalStateException: remote system down"));
	}

	@Test
	void aPeriodicTaskStoppedByItsExceptionIsASilentDeath(CapturedOutput output) {
		this.contextRunner.withBean("pollExecutor", ScheduledThreadPoolExecutor.class,
				() -> new ScheduledThreadPoolExecutor(1))
			.run((context) -> {
				new MisbehavingJobs.Poller().startFragilePolling(context.getBean(ScheduledThreadPoolExecutor.class));
				MisuseDescriptor finding = awaitFinding(context, MisuseType.SILENT_DEATH);
				assertThat(finding.getOrigin()).contains("MisbehavingJobs$Poller.startFragilePolling");
				assertThat(finding.getScheduler()).isEqualTo("pollExecutor");
				assertThat(finding.getEvidence()).endsWith("after throwing java.lang.IllegalStateException");
				assertThat(finding.getFailure()).isNull();
				assertCountedAndLoggedOnce(context, output, MisuseType.SILENT_DEATH);
				assertThat(output).contains("(java.lang.IllegalStateException: connection reset)");
				context.getBean(ScheduledThreadPoolExecutor.class).shutdownNow();
			});
	}

	@Test
	void aTaskWhoseTriggerThrowsIsASilentDeath(CapturedOutput output) {
		this.contextRunner.withBean("dynamicScheduler", ThreadPoolTaskScheduler.class, () -> {
			ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
			scheduler.initialize();
			return scheduler;
		}).run((context) -> {
			new MisbehavingJobs.DynamicSchedule().start(context.getBean(ThreadPoolTaskScheduler.class));
			MisuseDescriptor finding = awaitFinding(context, MisuseType.SILENT_DEATH);
			assertThat(finding.getOrigin()).contains("MisbehavingJobs$DynamicSchedule.start");
			assertThat(finding.getScheduler()).isEqualTo("dynamicScheduler");
			assertThat(finding.getEvidence())
				.isEqualTo("1 periodic task(s) stopped for ever after throwing java.lang.IllegalStateException");
			assertCountedAndLoggedOnce(context, output, MisuseType.SILENT_DEATH);
			assertThat(output).contains("(java.lang.IllegalStateException: database unavailable)");
		});
	}

	@Test
	void aScheduledMethodOnARequestScopedBeanIsNotReportedSinceEachInstanceIsDestroyedWithItsTasks() {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class, RequestScopeConfiguration.class)
			.run((context) -> {
				MisuseDetector detector = context.getBean(MisuseDetector.class);
				detector.check();
				assertThat(detector.findings()).isEmpty();
			});
	}

	@Test
	void aScheduledMethodOnAPrototypeBeanIsReportedAtStartup(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class, PrototypeConfiguration.class)
			.run((context) -> {
				context.getBean(MisbehavingJobs.PrototypeJob.class);
				context.getBean(MisbehavingJobs.PrototypeJob.class);
				MisuseDescriptor finding = awaitFinding(context, MisuseType.NON_SINGLETON);
				assertThat(finding.getOrigin()).endsWith("PrototypeJob#refresh");
				assertThat(finding.getEvidence()).contains("scope 'prototype'");
				await().untilAsserted(() -> assertThat(awaitFinding(context, MisuseType.NON_SINGLETON).getEvidence())
					.endsWith("; 2 instances scheduled it so far"));
				assertCountedAndLoggedOnce(context, output, MisuseType.NON_SINGLETON);
			});
	}

	@Test
	void runsStartingLateBehindALongRunAreStarvedAndTheHogIsNamed(CapturedOutput output) {
		// The hog holds the only thread for 1.5 s: the victim starts about that late, far past
		// the threshold, while a busy machine or the first run's start-up stays well short of it.
		this.contextRunner.withPropertyValues("timerwatch.misuse.starvation-threshold=700ms")
			.withUserConfiguration(SchedulingConfiguration.class)
			.withBean(MisbehavingJobs.HogAndVictim.class)
			.run((context) -> {
				MisuseDescriptor finding = awaitFinding(context, MisuseType.STARVATION);
				assertThat(finding.getOrigin()).endsWith("HogAndVictim#victim");
				assertThat(finding.getEvidence()).matches("a run started \\d+ ms late, after .*HogAndVictim#hog "
						+ "held a thread for \\d+ ms");
				assertCountedAndLoggedOnce(context, output, MisuseType.STARVATION);
			});
	}

	@Test
	void aRunThatDoesNotReturnForSeveralPeriodsIsStuck(CapturedOutput output) {
		this.contextRunner.withPropertyValues("timerwatch.misuse.stuck-threshold=300ms")
			.withUserConfiguration(SchedulingConfiguration.class)
			.withBean(MisbehavingJobs.StuckJob.class)
			.run((context) -> {
				MisuseDescriptor finding = awaitFinding(context, MisuseType.STUCK);
				assertThat(finding.getOrigin()).endsWith("StuckJob#fetch");
				assertThat(finding.getEvidence()).matches("a run has not returned after \\d+ ms, \\d+ periods of 50 ms");
				assertCountedAndLoggedOnce(context, output, MisuseType.STUCK);
			});
	}

	@Test
	void aPeriodicTaskSchedulingNewTasksOnEachRunIsFoundAndNamesTheParent(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class, SchedulesPerRunConfiguration.class)
			.run((context) -> {
				MisuseDescriptor finding = awaitFinding(context, MisuseType.SCHEDULES_PER_RUN);
				assertThat(finding.getOrigin()).endsWith("SchedulesPerRunJob#tick");
				assertThat(finding.getEvidence()).contains("its runs schedule tasks at ")
					.contains("SchedulesPerRunJob.tick(MisbehavingJobs.java:")
					.contains("that stay pending");
				assertCountedAndLoggedOnce(context, output, MisuseType.SCHEDULES_PER_RUN);
			});
	}

	@Test
	void wellBehavedJobsRunPastEveryThresholdWithoutAFinding() throws InterruptedException {
		// Watches from before the context starts, so that it sees a stall before the first runs.
		StallWatch stalls = StallWatch.start();
		this.contextRunner
			.withPropertyValues("timerwatch.misuse.starvation-threshold=200ms", "timerwatch.misuse.stuck-threshold=300ms")
			.withUserConfiguration(SchedulingConfiguration.class)
			.withBean(MisbehavingJobs.WellBehavedJobs.class)
			.withBean("pollExecutor", ScheduledThreadPoolExecutor.class, () -> new ScheduledThreadPoolExecutor(1))
			.run((context) -> {
				new MisbehavingJobs.Poller().startCarefulPolling(context.getBean(ScheduledThreadPoolExecutor.class));
				MisuseDetector detector = context.getBean(MisuseDetector.class);
				// Long enough for several runs of every job, several detector checks, and the
				// cron job to fire at least twice.
				Thread.sleep(2_500);
				detector.check();
				stalls.stop();
				// Late, long and stuck runs are measured on the wall clock: on a machine that
				// stalled this JVM's threads (a busy CI host, a long GC pause) they can be real
				// even for these jobs, and then say nothing about the detector.
				List<Misuse> findings = detector.findings();
				assertThat(findings).as("findings that no stall can cause")
					.filteredOn((misuse) -> !WALL_CLOCK_FINDINGS.contains(misuse.type()))
					.isEmpty();
				if (!findings.isEmpty()) {
					Assumptions.assumeTrue(stalls.longestMillis() < StallWatch.TOLERATED_MILLIS,
							() -> "the machine stalled threads of this JVM for " + stalls.longestMillis()
									+ " ms, too long to judge " + findings);
				}
				assertThat(detector.findings()).isEmpty();
				assertThat(context.getBean(TimersEndpoint.class).timers(null, null, SecurityContext.NONE).getMisuses()).isEmpty();
				assertThat(context.getBean(MeterRegistry.class).get("timers.misuse").functionCounters())
					.allSatisfy((counter) -> assertThat(counter.count()).isZero());
				context.getBean(ScheduledThreadPoolExecutor.class).shutdownNow();
			});
		stalls.stop();
	}

	private static MisuseDescriptor awaitFinding(AssertableApplicationContext context, MisuseType type) {
		TimersEndpoint endpoint = context.getBean(TimersEndpoint.class);
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> endpoint.timers(null, null, SecurityContext.NONE)
				.getMisuses()
				.stream()
				.filter((misuse) -> misuse.getType().equals(type.tag()))
				.findFirst(), java.util.Optional::isPresent)
			.orElseThrow();
	}

	private static void assertCountedAndLoggedOnce(AssertableApplicationContext context, CapturedOutput output,
			MisuseType type) throws InterruptedException {
		// A finding is visible before it is logged: wait for the line, then give a duplicate
		// finding or line some time to show.
		String line = "TIMER MISUSE: " + type.tag();
		await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains(line));
		Thread.sleep(300);
		List<Misuse> findings = context.getBean(MisuseDetector.class)
			.findings()
			.stream()
			.filter((misuse) -> misuse.type() == type)
			.toList();
		assertThat(findings).hasSize(1);
		assertThat(context.getBean(MeterRegistry.class).get("timers.misuse").tag("type", type.tag()).functionCounter().count())
			.isEqualTo(1.0);
		assertThat(output.toString().split(line, -1)).hasSize(2);
		if (!findings.get(0).originId().isEmpty()) {
			assertThat(context.getBean(TimersEndpoint.class).timers(null, null, SecurityContext.NONE).getOrigins())
				.filteredOn((origin) -> origin.getId().equals(findings.get(0).originId()))
				.singleElement()
				.satisfies((origin) -> assertThat(origin.getMisuses()).contains(type.tag()));
		}
	}

	private static final Set<MisuseType> WALL_CLOCK_FINDINGS = EnumSet.of(MisuseType.STARVATION, MisuseType.OVERRUN,
			MisuseType.STUCK);

	/**
	 * A thread that sleeps in short steps and records how much longer than asked its longest
	 * sleep took: how long the machine stalled the threads of this JVM.
	 */
	private static final class StallWatch {

		/** A stall shorter than this is ordinary scheduling noise. */
		static final long TOLERATED_MILLIS = 50;

		private final AtomicLong longestNanos = new AtomicLong();

		private final Thread thread = new Thread(this::watch, "stall-watch");

		private volatile boolean stopped;

		static StallWatch start() {
			StallWatch watch = new StallWatch();
			watch.thread.setDaemon(true);
			watch.thread.start();
			return watch;
		}

		private void watch() {
			long step = TimeUnit.MILLISECONDS.toNanos(5);
			while (!this.stopped) {
				long before = System.nanoTime();
				LockSupport.parkNanos(step);
				long late = System.nanoTime() - before - step;
				this.longestNanos.accumulateAndGet(late, Math::max);
			}
		}

		void stop() throws InterruptedException {
			this.stopped = true;
			this.thread.join();
		}

		long longestMillis() {
			return TimeUnit.NANOSECONDS.toMillis(this.longestNanos.get());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class SchedulesPerRunConfiguration {

		@Bean
		MisbehavingJobs.SchedulesPerRunJob schedulesPerRunJob(org.springframework.scheduling.TaskScheduler scheduler) {
			return new MisbehavingJobs.SchedulesPerRunJob(scheduler);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RequestScopeConfiguration {

		@Bean
		@Scope("request")
		MisbehavingJobs.PrototypeJob requestJob() {
			return new MisbehavingJobs.PrototypeJob();
		}

	}

	static class PrototypeConfiguration {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		MisbehavingJobs.PrototypeJob prototypeJob() {
			return new MisbehavingJobs.PrototypeJob();
		}

	}

}
