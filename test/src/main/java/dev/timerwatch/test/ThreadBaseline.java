package dev.timerwatch.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The platform threads alive when a check began, by id (the JVM never reuses one).
 *
 * <p>Threads are listed from the root thread group, not with {@code Thread.getAllStackTraces()},
 * which stops every thread to take its stack: a few microseconds instead of a millisecond.
 */
final class ThreadBaseline {

	private static final ThreadGroup ROOT = root();

	// The thread group of the threads that run virtual threads, and of their pool's delay
	// scheduler on Java 25.
	private static final String CARRIER_THREADS = "CarrierThreads";

	private final Set<Long> ids = new HashSet<>();

	ThreadBaseline() {
		for (Thread thread : liveThreads()) {
			this.ids.add(thread.getId());
		}
	}

	/**
	 * Threads alive now that were not alive at the baseline.
	 * @param options what to ignore
	 * @return the threads, possibly empty
	 */
	List<Thread> startedSince(TimerLeakOptions options) {
		List<Thread> started = new ArrayList<>();
		Thread current = Thread.currentThread();
		for (Thread thread : liveThreads()) {
			if (!this.ids.contains(thread.getId()) && thread != current && thread.isAlive()
					&& !isVirtualThreadCarrier(thread) && !options.ignoresThreadNamed(thread.getName())) {
				started.add(thread);
			}
		}
		return started;
	}

	// The JDK's scheduler of virtual threads starts its threads on demand and keeps them.
	private static boolean isVirtualThreadCarrier(Thread thread) {
		ThreadGroup group = thread.getThreadGroup();
		return group != null && CARRIER_THREADS.equals(group.getName());
	}

	static Thread[] liveThreads() {
		for (int size = ROOT.activeCount() + 16;; size *= 2) {
			Thread[] threads = new Thread[size];
			int count = ROOT.enumerate(threads, true);
			if (count < size) {
				return Arrays.copyOf(threads, count);
			}
		}
	}

	private static ThreadGroup root() {
		ThreadGroup group = Thread.currentThread().getThreadGroup();
		while (group.getParent() != null) {
			group = group.getParent();
		}
		return group;
	}

}
