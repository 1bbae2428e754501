package dev.timerwatch.benchmarks;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.annotations.Threads;

/**
 * Total throughput of two threads scheduling and cancelling on one shared executor: tracking
 * must add no global lock (the executor's own queue lock is already shared by all).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
public class ConcurrentSchedulingBenchmark {

	@Param({ "raw", "micrometer", "timerwatch" })
	public String executor;

	@Param({ "1000" })
	public int pending;

	@Param({ "false", "true" })
	public boolean removeOnCancel;

	private ScheduledThreadPoolExecutor target;

	private ScheduledExecutorService scheduler;

	@Setup(Level.Iteration)
	public void createExecutor() {
		this.target = SchedulingOverheadBenchmark.newExecutor(this.executor);
		this.target.setRemoveOnCancelPolicy(this.removeOnCancel);
		this.scheduler = this.executor.equals("micrometer")
				? new TimedScheduledExecutorService(new SimpleMeterRegistry(), this.target, "benchmark", "",
						List.of())
				: this.target;
		for (int i = 0; i < this.pending; i++) {
			this.scheduler.schedule(SchedulingOverheadBenchmark::noop, 1, TimeUnit.HOURS);
		}
	}

	@TearDown(Level.Iteration)
	public void shutdown() {
		this.target.shutdownNow();
	}

	@Benchmark
	public boolean scheduleThenCancel() {
		ScheduledFuture<?> timeout = this.scheduler.schedule(SchedulingOverheadBenchmark::noop, 1, TimeUnit.HOURS);
		return timeout.cancel(false);
	}

}
