package dev.timerwatch.benchmarks;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.TimerRegistry;
import io.micrometer.core.instrument.internal.TimedScheduledExecutorService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

import java.util.List;

/**
 * The cost of {@code schedule(1h)} then {@code cancel} with other tasks pending, the hot path
 * of a per-request timeout, on the raw JDK executor, Micrometer's
 * {@code TimedScheduledExecutorService} over it, and timerwatch's tracking executor with its
 * default configuration (every task attributed to its call site).
 *
 * <p>With the JDK's default policy cancelled tasks stay queued until their delay expires, so
 * each iteration starts from a fresh executor with {@code pending} live tasks, for every
 * executor alike, and iterations are kept short to bound the queue's growth. With
 * {@code removeOnCancel} each cancel also removes the task from the queue: the JDK finds its
 * own tasks in O(log n) but a decorated task (timerwatch's, or a Spring
 * {@code TaskDecorator}'s) by a linear scan, which this parameter makes visible.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchedulingOverheadBenchmark {

	@Param({ "raw", "micrometer", "timerwatch", "timerwatch-decorator" })
	public String executor;

	@Param({ "1000" })
	public int pending;

	@Param({ "false", "true" })
	public boolean removeOnCancel;

	private ScheduledThreadPoolExecutor target;

	private ScheduledExecutorService scheduler;

	@Setup(Level.Iteration)
	public void createExecutor() {
		this.target = newExecutor(this.executor);
		this.target.setRemoveOnCancelPolicy(this.removeOnCancel);
		this.scheduler = switch (this.executor) {
			case "micrometer" -> new TimedScheduledExecutorService(new SimpleMeterRegistry(), this.target, "benchmark",
					"", List.of());
			// The interface decorator, as a bean declared as ScheduledExecutorService gets it.
			case "timerwatch-decorator" -> new TrackingScheduledExecutorService(this.target, REGISTRY, "decorated");
			default -> this.target;
		};
		for (int i = 0; i < this.pending; i++) {
			this.scheduler.schedule(SchedulingOverheadBenchmark::noop, 1, TimeUnit.HOURS);
		}
		// The measured call's first calls on a new executor make its origin (a stack captured,
		// an id formatted), once per line in an application: made here, not charged to the
		// iteration.
		for (int i = 0; i < TaskSchedulerOverheadBenchmark.WARM_CALLS; i++) {
			scheduleThenCancel();
		}
	}

	// One registry for the whole run, as an application has; executors come and go.
	private static final TimerRegistry REGISTRY = new TimerRegistry();

	static ScheduledThreadPoolExecutor newExecutor(String kind) {
		return kind.equals("timerwatch") ? new TrackingScheduledThreadPoolExecutor(1, REGISTRY, "benchmark")
				: new ScheduledThreadPoolExecutor(1);
	}

	@TearDown(Level.Iteration)
	public void shutdown() {
		this.scheduler.shutdownNow();
	}

	@Benchmark
	public boolean scheduleThenCancel() {
		ScheduledFuture<?> timeout = this.scheduler.schedule(SchedulingOverheadBenchmark::noop, 1, TimeUnit.HOURS);
		return timeout.cancel(false);
	}

	static void noop() {
	}

}
