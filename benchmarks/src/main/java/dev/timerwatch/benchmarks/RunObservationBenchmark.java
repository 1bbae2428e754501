package dev.timerwatch.benchmarks;

import java.time.Duration;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.metrics.TimersMetrics;
import dev.timerwatch.misuse.MisuseDetector;
import dev.timerwatch.scheduling.TaskAdmission;
import dev.timerwatch.scheduling.TrackedCommand;
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

	private long due;

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

	// A run on a scheduler has its future, due a moment ago, whose delay the run timers read
	// for the lag (a clock read); without one, no lag is recorded and no lag check is made.
	private Runnable command(SchedulerTracker scheduler, Runnable work) {
		TaskOrigin origin = TaskOrigin.scheduledMethod("com.example.ReportJob", "generate");
		TaskAdmission admission = new TaskAdmission(scheduler, false);
		TrackedCommand<Void> command = admission.admit(work, TaskKind.FIXED_RATE, 1_000_000_000L, -1, origin);
		admission.submit(command, () -> new DueFuture(this));
		return command;
	}

	@Benchmark
	public void runOnce() {
		// Every variant reads the clock once here, as a scheduler does to find a run due.
		this.due = System.nanoTime() - 1_000;
		this.task.run();
	}

	private static void work() {
	}

	/**
	 * The future of a periodic task due a microsecond before each run, as a run that starts
	 * on time finds it.
	 */
	static final class DueFuture implements ScheduledFuture<Object> {

		private final RunObservationBenchmark benchmark;

		DueFuture(RunObservationBenchmark benchmark) {
			this.benchmark = benchmark;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.benchmark.due - System.nanoTime(), TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			return false;
		}

		@Override
		public boolean isCancelled() {
			return false;
		}

		@Override
		public boolean isDone() {
			return false;
		}

		@Override
		public Object get() {
			throw new UnsupportedOperationException();
		}

		@Override
		public Object get(long timeout, TimeUnit unit) {
			throw new UnsupportedOperationException();
		}

	}

}
