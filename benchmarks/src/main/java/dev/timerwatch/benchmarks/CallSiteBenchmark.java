package dev.timerwatch.benchmarks;

import java.util.concurrent.TimeUnit;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TaskOrigin;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What finding a task's call site by walking the stack costs, the price timerwatch avoids on
 * all but one task in 4,096 by learning origins per task class. The frames of JMH's harness
 * stand in for an application's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallSiteBenchmark {

	private final CallSiteLocator locator = CallSiteLocator.withDefaults();

	@Benchmark
	public TaskOrigin walkTheStack() {
		return this.locator.locate();
	}

}
