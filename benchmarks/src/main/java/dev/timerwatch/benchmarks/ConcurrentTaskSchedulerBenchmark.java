package dev.timerwatch.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link TaskSchedulerOverheadBenchmark}'s schedule one hour out then cancel, from two threads
 * on one shared {@code TaskScheduler} bean, as total throughput: tracking must add no lock
 * that the two threads share beyond the scheduler's own.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
public class ConcurrentTaskSchedulerBenchmark extends TaskSchedulerOverheadBenchmark {

}
