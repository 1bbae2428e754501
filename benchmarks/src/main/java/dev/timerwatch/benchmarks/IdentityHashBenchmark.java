package dev.timerwatch.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The floor of tracking under remove-on-cancel: the JDK's task exposes nothing but its
 * identity, so leading from it back to its record takes its identity hash, and the first
 * identity hash of a new object is made by the JVM's runtime, not by compiled code. This
 * measures a new object with and without that first hash, and a second hash of the same
 * object, which compiled code reads from the object's header.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IdentityHashBenchmark {

	private final Object hashed = new Object();

	@Benchmark
	public Object newObject() {
		return new Object();
	}

	@Benchmark
	public int newObjectThenIdentityHash() {
		return System.identityHashCode(new Object());
	}

	@Benchmark
	public int identityHashAgain() {
		return System.identityHashCode(this.hashed);
	}

}
