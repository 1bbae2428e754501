package dev.timerwatch.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link SchedulingOverheadBenchmark}'s {@code schedule(1h)} then {@code cancel}, from two
 * threads on one shared executor, as total throughput: tracking must add no global lock (the
 * executor's own queue lock is already shared by all).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
public class ConcurrentSchedulingBenchmark extends SchedulingOverheadBenchmark {

}
