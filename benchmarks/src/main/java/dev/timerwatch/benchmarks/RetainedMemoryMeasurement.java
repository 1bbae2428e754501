package dev.timerwatch.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.internal.TimedScheduledExecutorService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Heap retained per pending task at a million pending tasks, for the raw executor,
 * Micrometer's timed executor and timerwatch's tracking executor, under the JDK's default
 * policy and with remove-on-cancel on. Each task captures a
 * distinct object, as a real timeout does (its request), and that object is part of the
 * count for every executor alike. Tasks are scheduled both as a {@code Callable} (a lambda
 * that returns a value, such as {@code () -> future.cancel(true)}, is one) and as a
 * {@code Runnable}, which the JDK wraps in an adapter object of its own.
 *
 * <p>Run: {@code java -Xmx4g -cp benchmarks/target/benchmarks.jar
 * dev.timerwatch.benchmarks.RetainedMemoryMeasurement}; with the argument {@code cancelled},
 * each task is cancelled as soon as it is scheduled, under the default policy, which keeps it
 * queued.
 */
public final class RetainedMemoryMeasurement {

	private static final int TASKS = 1_000_000;

	private static final int ROUNDS = 3;

	private RetainedMemoryMeasurement() {
	}

	public static void main(String[] args) throws Exception {
		boolean cancelledOnly = args.length > 0 && args[0].equals("cancelled");
		String[] executors = { "raw", "micrometer", "timerwatch" };
		for (boolean runnable : new boolean[] { false, true }) {
			for (boolean removeOnCancel : new boolean[] { false, true }) {
				// Under remove-on-cancel a cancelled task leaves the queue: nothing to measure.
				for (boolean cancelled : cancelledOnly ? new boolean[] { true } : new boolean[] { false }) {
					if (cancelled && removeOnCancel) {
						continue;
					}
					double raw = 0;
					for (int round = 1; round <= ROUNDS; round++) {
						for (String executor : executors) {
							double bytes = bytesPerQueuedTask(executor, removeOnCancel, runnable, cancelled);
							if (executor.equals("raw")) {
								raw = bytes;
							}
							System.out.printf(Locale.ROOT,
									"%-8s %-17s round %d %-10s %7.1f bytes per %s task  (%.2fx raw)%n",
									runnable ? "Runnable" : "Callable",
									removeOnCancel ? "remove-on-cancel" : "default policy", round, executor, bytes,
									cancelled ? "cancelled, still queued," : "pending", bytes / raw);
						}
					}
				}
			}
		}
	}

	// A cancelled task stays queued under the default policy until its delay runs out, an hour
	// here: what it keeps is the memory of a per-request timeout cancelled on time.
	private static double bytesPerQueuedTask(String kind, boolean removeOnCancel, boolean runnable,
			boolean cancelled) throws InterruptedException {
		ScheduledThreadPoolExecutor target = SchedulingOverheadBenchmark.newExecutor(kind);
		target.setRemoveOnCancelPolicy(removeOnCancel);
		ScheduledExecutorService scheduler = kind.equals("micrometer")
				? new TimedScheduledExecutorService(new SimpleMeterRegistry(), target, "memory", "", List.of())
				: target;
		scheduler.schedule(SchedulingOverheadBenchmark::noop, 1, TimeUnit.HOURS);
		long before = usedHeapAfterGc();
		for (int i = 0; i < TASKS; i++) {
			Object request = new Object();
			ScheduledFuture<?> future = runnable ? scheduler.schedule(() -> touch(request), 1, TimeUnit.HOURS)
					: scheduler.schedule(() -> request.hashCode(), 1, TimeUnit.HOURS);
			if (cancelled) {
				future.cancel(false);
			}
		}
		long after = usedHeapAfterGc();
		double perTask = (after - before) / (double) TASKS;
		target.shutdownNow();
		return perTask;
	}

	private static void touch(Object request) {
		request.hashCode();
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long previous = Long.MAX_VALUE;
		for (int i = 0; i < 10; i++) {
			System.gc();
			Thread.sleep(50);
			long used = memory.getHeapMemoryUsage().getUsed();
			if (Math.abs(previous - used) < 64 * 1024) {
				return used;
			}
			previous = used;
		}
		return previous;
	}

}
