package dev.timerwatch.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.metrics.TimersMetrics;
import dev.timerwatch.misuse.MisuseDetector;
import dev.timerwatch.scheduling.TaskAdmission;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What tracking adds to each run of a periodic task (a {@code @Scheduled} method's, say): the
 * state transitions alone, and with the observers a Spring application has (the run timers of
 * {@link TimersMetrics} and the overrun check of {@link MisuseDetector}), against calling the
 * task directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RunObservationBenchmark {

	@Param({ "direct", "tracked", "observed" })
	public String run;

	private Runnable task;

	@Setup
	public void setUp() {
		Runnable work = RunObservationBenchmark::work;
		if (this.run.equals("direct")) {
			this.task = work;
			return;
		}
		TimerRegistry registry = new TimerRegistry();
		if (this.run.equals("observed")) {
			MisuseDetector misuses = new MisuseDetector(registry, Duration.ofMillis(100), 3, System::currentTimeMillis);
			TimersMetrics metrics = new TimersMetrics(registry, 50, misuses);
			registry.addObserver(misuses);
			registry.addObserver(metrics);
			SchedulerTracker scheduler = registry.register("taskScheduler", "ThreadPoolTaskScheduler");
			this.task = command(scheduler, work);
			metrics.bindTo(new SimpleMeterRegistry());
		}
		else {
			this.task = command(registry.register("taskScheduler", "ThreadPoolTaskScheduler"), work);
		}
	}

	private static Runnable command(SchedulerTracker scheduler, Runnable work) {
		TaskOrigin origin = TaskOrigin.scheduledMethod("com.example.ReportJob", "generate");
		return new TaskAdmission(scheduler, false).admit(work, TaskKind.FIXED_RATE, 1_000_000_000L, -1, origin);
	}

	@Benchmark
	public void runOnce() {
		this.task.run();
	}

	private static void work() {
	}

}
