package dev.timerwatch.benchmarks;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What telling the tracker a one-shot task's delay can cost, by the ways open to each path:
 * a clock read (what a {@code TaskScheduler}'s {@code schedule(task, Instant)} pays to turn
 * the instant into a delay, and what the JDK task's {@code getDelay} would cost in
 * {@code decorateTask}), against the thread-local hand-off the tracking executor uses under
 * the default policy (one lookup to set the delay in {@code schedule}, one to read it in
 * {@code decorateTask}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DelayHandOffBenchmark {

	private static final ThreadLocal<long[]> HAND_OFF = ThreadLocal.withInitial(() -> new long[] { -1 });

	private final Clock clock = Clock.systemDefaultZone();

	private final Instant start = Instant.now().plusSeconds(3600);

	private long delay = 30_000_000_000L;

	@Benchmark
	public long nanoTime() {
		return System.nanoTime();
	}

	@Benchmark
	public long delayOfAnInstantBySchedulersClock() {
		return Math.subtractExact(this.start.toEpochMilli(), this.clock.millis());
	}

	@Benchmark
	public long threadLocalHandOff() {
		long[] handOff = HAND_OFF.get();
		long outer = handOff[0];
		handOff[0] = this.delay;
		long read = HAND_OFF.get()[0];
		handOff[0] = outer;
		return read;
	}

}
