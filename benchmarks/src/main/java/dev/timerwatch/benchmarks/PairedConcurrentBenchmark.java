package dev.timerwatch.benchmarks;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import dev.timerwatch.benchmarks.PairedOverheadBenchmark.Side;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@link PairedOverheadBenchmark}'s schedule one hour out then cancel, from two threads on one
 * shared scheduler, raw against tracked (or Micrometer's). Two-thread runs of separate forks
 * fell into different states of this machine (which runs up to three times slower for a
 * second or more at a time) and read 0.3x to 1.8x for one path, so the two sides take turns
 * instead: time is cut into slots of 2^20 ns (about a millisecond) of
 * {@code System.nanoTime()}, which both threads read, and a hash of the slot's number gives
 * its side, so that both threads run the same side at once, contending as an application's
 * threads do, and a disturbance with a period cannot favour one side.
 *
 * <p>A batch counts only if it ran in lockstep: each thread publishes the side of the batch it
 * runs, and a batch is dropped if the other thread was on the other side when it began or
 * ended (a turn boundary crossed, a thread not yet running). A thread's last batch stays
 * published after it stops; JMH's synchronized iterations keep that edge short. Batches that
 * cross a turn boundary are dropped, and a longer batch crosses more often, which favours the
 * slower side a little. Of the batches kept,
 * the figure read is the median batch time of each side, summed over the two threads, in
 * each iteration: medians leave out the batches a thread was taken off its core in, whose
 * time would be charged to one side while the other thread ran alone. The throughput ratio,
 * tracked to raw, is {@code rawMedianNanos / otherMedianNanos}; {@code lockstepBatches} and
 * {@code droppedBatches} say how much was kept.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
public class PairedConcurrentBenchmark {

	private static final int NOT_RUNNING = -1;

	@Param({ "baseline", "executor", "executor-remove-on-cancel", "decorator", "decorator-remove-on-cancel", "micrometer",
			"micrometer-remove-on-cancel", "ThreadPoolTaskScheduler-instant", "ThreadPoolTaskScheduler-fixed-rate",
			"SimpleAsyncTaskScheduler-instant", "SimpleAsyncTaskScheduler-fixed-rate" })
	public String path;

	private Side[] sides;

	// The side each thread's current batch runs on.
	private final AtomicIntegerArray running = new AtomicIntegerArray(2);

	@Setup(Level.Iteration)
	public void createSchedulers() {
		this.sides = PairedOverheadBenchmark.sides(this.path, true);
		this.running.set(0, NOT_RUNNING);
		this.running.set(1, NOT_RUNNING);
	}

	@TearDown(Level.Iteration)
	public void shutdown() {
		this.sides[0].stop();
		this.sides[1].stop();
	}

	@Benchmark
	@OperationsPerInvocation(PairedOverheadBenchmark.BATCH)
	public void turn(Turns turns, ThreadParams thread, Blackhole blackhole) {
		int me = thread.getThreadIndex() & 1;
		int partner = 1 - me;
		int side = sideOf(System.nanoTime() >>> 20);
		this.running.set(me, side);
		boolean lockstep = this.running.get(partner) == side;
		long nanos = this.sides[side].batch(blackhole);
		lockstep &= this.running.get(partner) == side;
		turns.add(side, nanos, lockstep);
	}

	// Raw (0) or the other (1), by a hash of the slot's number: both threads agree.
	private static int sideOf(long slot) {
		return (int) ((slot * 0x9E3779B97F4A7C15L) >>> 63);
	}

	/**
	 * Each side's batch times in lockstep, one thread's, for an iteration.
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class Turns {

		private long[][] times = new long[2][1 << 14];

		private final int[] counts = new int[2];

		private long dropped;

		@Setup(Level.Iteration)
		public void reset() {
			this.counts[0] = 0;
			this.counts[1] = 0;
			this.dropped = 0;
		}

		void add(int side, long nanos, boolean lockstep) {
			if (!lockstep) {
				this.dropped++;
				return;
			}
			if (this.counts[side] == this.times[side].length) {
				this.times[side] = Arrays.copyOf(this.times[side], this.counts[side] * 2);
			}
			this.times[side][this.counts[side]++] = nanos;
		}

		public double rawMedianNanos() {
			return median(0);
		}

		public double otherMedianNanos() {
			return median(1);
		}

		public long lockstepBatches() {
			return (long) this.counts[0] + this.counts[1];
		}

		public long droppedBatches() {
			return this.dropped;
		}

		private double median(int side) {
			int count = this.counts[side];
			if (count == 0) {
				return 0;
			}
			long[] sorted = Arrays.copyOf(this.times[side], count);
			Arrays.sort(sorted);
			return sorted[count / 2];
		}

	}

}
