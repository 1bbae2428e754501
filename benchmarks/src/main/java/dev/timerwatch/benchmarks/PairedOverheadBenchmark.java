package dev.timerwatch.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTrackingPostProcessor;
import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.TimerRegistry;
import io.micrometer.core.instrument.internal.TimedScheduledExecutorService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Schedule one hour out then cancel, 1,000 tasks pending, on the raw scheduler and on the
 * tracked (or Micrometer's) one in the same invocation: a batch of 64 on one, then 64 on the
 * other, the order swapped at every invocation, each batch timed on its own. This 2-core
 * machine runs up to three times slower for a second or more at a time, raw and tracked code
 * alike, so iterations of separate runs fall in different states and their ratios say little;
 * two batches a few microseconds apart share the state. The score to read is the ratio of the
 * two aux counters, {@code otherNanos / rawNanos}, per iteration: its median and spread over
 * the iterations.
 *
 * <p>The paths are those of {@link SchedulingOverheadBenchmark} (the tracking executor, the
 * interface decorator and Micrometer's decorator, under both cancellation policies) and of
 * {@link TaskSchedulerOverheadBenchmark} (the two {@code TaskScheduler} beans as the
 * post-processor leaves them, {@code schedule(Runnable, Instant)} and
 * {@code scheduleAtFixedRate}). Both sides share one JVM, as they do in an application: the
 * JDK's queue code is compiled for both kinds of task.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PairedOverheadBenchmark {

	static final int BATCH = 64;

	private static final int PENDING = 1_000;

	private static final int WARM_CALLS = 16;

	// "baseline" pairs two raw executors: the method's own bias, which should be none.
	@Param({ "baseline", "executor", "executor-remove-on-cancel", "decorator", "decorator-remove-on-cancel", "micrometer",
			"micrometer-remove-on-cancel", "ThreadPoolTaskScheduler-instant", "ThreadPoolTaskScheduler-fixed-rate",
			"SimpleAsyncTaskScheduler-instant", "SimpleAsyncTaskScheduler-fixed-rate" })
	public String path;

	// On the TaskScheduler paths, whether each call reads the clock for its instant, as a
	// caller writing Instant.now().plus(...) does (both sides pay it, which brings the ratio
	// towards 1), or all calls of an iteration share one instant read before it.
	@Param({ "true" })
	public boolean callerClock;

	private Side raw;

	private Side other;

	private long invocations;

	// One registry for the run's executors, as an application has.
	private static final TimerRegistry REGISTRY = new TimerRegistry();

	@Setup(Level.Iteration)
	public void createSchedulers() {
		Side[] sides = sides(this.path, this.callerClock);
		this.raw = sides[0];
		this.other = sides[1];
	}

	/**
	 * The raw scheduler and the other one of a path, each filled with its pending tasks and
	 * warmed.
	 * @param path the path
	 * @param callerClock whether each call on a TaskScheduler reads the clock for its instant
	 * @return the raw side, then the other
	 */
	static Side[] sides(String path, boolean callerClock) {
		Side raw;
		Side other;
		if (path.contains("TaskScheduler")) {
			boolean fixedRate = path.endsWith("fixed-rate");
			boolean threadPool = path.startsWith("ThreadPool");
			raw = new TaskSchedulerSide(newTaskScheduler(threadPool), fixedRate, callerClock);
			// A registry per iteration: nothing samples, so trackers of earlier iterations'
			// schedulers would pile up in a shared one.
			StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("timerRegistry", new TimerRegistry()));
			TaskScheduler tracked = (TaskScheduler) new SchedulerTrackingPostProcessor(
					beans.getBeanProvider(TimerRegistry.class))
				.postProcessAfterInitialization(newTaskScheduler(threadPool), "taskScheduler");
			other = new TaskSchedulerSide(tracked, fixedRate, callerClock);
		}
		else {
			boolean removeOnCancel = path.endsWith("remove-on-cancel");
			ScheduledThreadPoolExecutor rawExecutor = new ScheduledThreadPoolExecutor(1);
			rawExecutor.setRemoveOnCancelPolicy(removeOnCancel);
			raw = new ExecutorSide(rawExecutor, rawExecutor);
			ScheduledThreadPoolExecutor target = path.startsWith("executor")
					? new TrackingScheduledThreadPoolExecutor(1, REGISTRY, "benchmark") : new ScheduledThreadPoolExecutor(1);
			target.setRemoveOnCancelPolicy(removeOnCancel);
			ScheduledExecutorService scheduler = switch (path.substring(0, path.indexOf('-') < 0
					? path.length() : path.indexOf('-'))) {
				case "decorator" -> new TrackingScheduledExecutorService(target, REGISTRY, "decorated");
				case "baseline" -> target;
				case "micrometer" -> new TimedScheduledExecutorService(new SimpleMeterRegistry(), target, "benchmark", "",
						List.of());
				default -> target;
			};
			other = new ExecutorSide(scheduler, target);
		}
		raw.fill();
		other.fill();
		raw.warm();
		other.warm();
		return new Side[] { raw, other };
	}

	private static TaskScheduler newTaskScheduler(boolean threadPool) {
		if (threadPool) {
			ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
			scheduler.initialize();
			return scheduler;
		}
		return new SimpleAsyncTaskScheduler();
	}

	@TearDown(Level.Iteration)
	public void shutdown() {
		this.raw.stop();
		this.other.stop();
	}

	@Benchmark
	@org.openjdk.jmh.annotations.OperationsPerInvocation(2 * BATCH)
	public void pair(Times times, Blackhole blackhole) {
		if ((this.invocations++ & 1) == 0) {
			times.rawNanos += this.raw.batch(blackhole);
			times.otherNanos += this.other.batch(blackhole);
		}
		else {
			times.otherNanos += this.other.batch(blackhole);
			times.rawNanos += this.raw.batch(blackhole);
		}
	}

	/**
	 * The time each side took in an iteration, in nanoseconds, for as many operations.
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class Times {

		public long rawNanos;

		public long otherNanos;

		@Setup(Level.Iteration)
		public void reset() {
			this.rawNanos = 0;
			this.otherNanos = 0;
		}

	}

	abstract static class Side {

		abstract boolean scheduleThenCancel();

		abstract void fill();

		abstract void stop();

		// The measured call's first calls on a new scheduler are an application's first: its
		// origin is made (a stack captured, an id formatted) and, in a new registry, its class
		// learned by walking the stack eight times, which cost 0.1 to 2 ms per iteration, a
		// once-per-line cost that would be charged to every iteration's calls.
		final void warm() {
			for (int i = 0; i < WARM_CALLS; i++) {
				scheduleThenCancel();
			}
		}

		final long batch(Blackhole blackhole) {
			long start = System.nanoTime();
			for (int i = 0; i < BATCH; i++) {
				blackhole.consume(scheduleThenCancel());
			}
			return System.nanoTime() - start;
		}

	}

	static final class ExecutorSide extends Side {

		private final ScheduledExecutorService scheduler;

		private final ScheduledExecutorService executor;

		ExecutorSide(ScheduledExecutorService scheduler, ScheduledExecutorService executor) {
			this.scheduler = scheduler;
			this.executor = executor;
		}

		@Override
		boolean scheduleThenCancel() {
			return this.scheduler.schedule(PairedOverheadBenchmark::noop, 1, TimeUnit.HOURS).cancel(false);
		}

		@Override
		void fill() {
			for (int i = 0; i < PENDING; i++) {
				this.scheduler.schedule(PairedOverheadBenchmark::noop, 1, TimeUnit.HOURS);
			}
		}

		@Override
		void stop() {
			this.executor.shutdownNow();
		}

	}

	static final class TaskSchedulerSide extends Side {

		private final TaskScheduler scheduler;

		private final boolean fixedRate;

		private final boolean callerClock;

		private final Instant sharedStart = Instant.now().plusSeconds(3600);

		TaskSchedulerSide(TaskScheduler scheduler, boolean fixedRate, boolean callerClock) {
			this.scheduler = scheduler;
			this.fixedRate = fixedRate;
			this.callerClock = callerClock;
		}

		@Override
		boolean scheduleThenCancel() {
			Instant start = this.callerClock ? Instant.now().plusSeconds(3600) : this.sharedStart;
			return (this.fixedRate ? this.scheduler.scheduleAtFixedRate(PairedOverheadBenchmark::noop, start,
					Duration.ofHours(1)) : this.scheduler.schedule(PairedOverheadBenchmark::noop, start)).cancel(false);
		}

		@Override
		void fill() {
			for (int i = 0; i < PENDING; i++) {
				this.scheduler.schedule(PairedOverheadBenchmark::noop, Instant.now().plusSeconds(3600));
			}
		}

		@Override
		void stop() {
			if (this.scheduler instanceof ThreadPoolTaskScheduler threadPool) {
				threadPool.shutdown();
			}
			else if (this.scheduler instanceof SimpleAsyncTaskScheduler simple) {
				simple.close();
			}
		}

	}

	static void noop() {
	}

}
