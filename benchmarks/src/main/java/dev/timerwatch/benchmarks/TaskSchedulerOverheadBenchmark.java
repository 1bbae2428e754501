package dev.timerwatch.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTrackingPostProcessor;
import dev.timerwatch.tracking.TimerRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The cost of scheduling one hour out and cancelling on Spring's {@code TaskScheduler}s, the
 * path of Boot's auto-configured {@code taskScheduler} and of every injected
 * {@code TaskScheduler}: the raw bean against the same bean as timerwatch's post-processor
 * leaves it (a class-based proxy). Micrometer has no wrapper for {@code TaskScheduler}. 1,000
 * tasks pending; remove-on-cancel as Boot configures it (off).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TaskSchedulerOverheadBenchmark {

	@Param({ "ThreadPoolTaskScheduler", "SimpleAsyncTaskScheduler" })
	public String type;

	@Param({ "raw", "timerwatch" })
	public String scheduler;

	static final int WARM_CALLS = 16;

	private TaskScheduler target;

	private Runnable stop;

	@Setup(Level.Iteration)
	public void createScheduler() {
		TaskScheduler bean;
		if (this.type.equals("ThreadPoolTaskScheduler")) {
			ThreadPoolTaskScheduler threadPool = new ThreadPoolTaskScheduler();
			threadPool.initialize();
			bean = threadPool;
			this.stop = threadPool::shutdown;
		}
		else {
			SimpleAsyncTaskScheduler simple = new SimpleAsyncTaskScheduler();
			bean = simple;
			this.stop = simple::close;
		}
		if (this.scheduler.equals("timerwatch")) {
			// A registry per iteration, as an application has one: trackers of the schedulers of
			// earlier iterations would otherwise pile up in it, since no sampler drops them.
			StaticListableBeanFactory beans = new StaticListableBeanFactory(
					Map.of("timerRegistry", new TimerRegistry()));
			bean = (TaskScheduler) new SchedulerTrackingPostProcessor(beans.getBeanProvider(TimerRegistry.class))
				.postProcessAfterInitialization(bean, "taskScheduler");
		}
		this.target = bean;
		for (int i = 0; i < 1_000; i++) {
			this.target.schedule(TaskSchedulerOverheadBenchmark::noop, Instant.now().plusSeconds(3600));
		}
		// The measured calls' first calls in a new registry make their origins and learn their
		// classes (0.1 to 2 ms per iteration), once per line in an application: made here, not
		// charged to the iteration.
		for (int i = 0; i < WARM_CALLS; i++) {
			scheduleAtInstantThenCancel();
			scheduleAtFixedRateThenCancel();
		}
	}

	@TearDown(Level.Iteration)
	public void shutdown() {
		this.stop.run();
	}

	@Benchmark
	public boolean scheduleAtInstantThenCancel() {
		ScheduledFuture<?> timeout = this.target.schedule(TaskSchedulerOverheadBenchmark::noop,
				Instant.now().plusSeconds(3600));
		return timeout.cancel(false);
	}

	@Benchmark
	public boolean scheduleAtFixedRateThenCancel() {
		ScheduledFuture<?> ticker = this.target.scheduleAtFixedRate(TaskSchedulerOverheadBenchmark::noop,
				Instant.now().plusSeconds(3600), Duration.ofHours(1));
		return ticker.cancel(false);
	}

	static void noop() {
	}

}
