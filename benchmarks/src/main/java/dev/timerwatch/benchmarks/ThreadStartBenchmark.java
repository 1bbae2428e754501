package dev.timerwatch.benchmarks;

import java.util.concurrent.TimeUnit;

import dev.timerwatch.threads.ThreadLeakTracker;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TimerRegistry;
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

/**
 * What watching threads adds to starting a thread and waiting for it to end: the JDK Flight
 * Recorder stream of thread starts (with their stacks) and ends that {@link ThreadLeakTracker}
 * reads, on and off. The stream's events are handled on the recorder's own thread, about a
 * second later; what a starting thread pays is the recorder writing the two events and the
 * starting stack.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ThreadStartBenchmark {

	@Param({ "off", "on" })
	public String recording;

	private ThreadLeakTracker tracker;

	@Setup(Level.Trial)
	public void start() {
		if ("on".equals(this.recording)) {
			TimerRegistry registry = new TimerRegistry();
			// As the auto-configuration builds it: this class is the application line that
			// starts each thread, so each is counted, then ended.
			this.tracker = ThreadLeakTracker.start(registry,
					new CallSiteLocator(ThreadLeakTracker.DEFAULT_EXCLUDED_PACKAGES, 64));
			if (!this.tracker.isRecording()) {
				throw new IllegalStateException("The recorder is unavailable: nothing to measure");
			}
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.tracker != null) {
			this.tracker.close();
		}
	}

	@Benchmark
	public void startAndJoin() throws InterruptedException {
		Thread thread = new Thread(ThreadStartBenchmark::work);
		thread.start();
		thread.join();
	}

	private static void work() {
	}

}
