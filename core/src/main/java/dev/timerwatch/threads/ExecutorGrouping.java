package dev.timerwatch.threads;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.timerwatch.threads.ThreadLeakTracker.ThreadsSeen;
import dev.timerwatch.tracking.LiveThreads;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskOrigin;
import org.jspecify.annotations.Nullable;

/**
 * Groups the threads the recorder reports into the executors, Timers and threads that started
 * them, and counts each in the registry from its first thread's start to its last thread's end
 * (see {@link ThreadLeakTracker} for the rules). Written on the recorder's thread, read by the
 * endpoint and the meters, under this object's lock.
 */
final class ExecutorGrouping implements ThreadOrigins.Listener {

	private static final String TIMER = "java.util.Timer";

	private final SchedulerTracker scheduler;

	private final Map<Long, Executor> byThread = new LinkedHashMap<>();

	private final Map<PoolKey, Executor> pools = new HashMap<>();

	private boolean closed;

	ExecutorGrouping(SchedulerTracker scheduler) {
		this.scheduler = scheduler;
	}

	/**
	 * The live threads of each origin: how many, and the names of the first few.
	 * @param maxNames how many names to list per origin at most
	 * @return per origin of kind {@code THREAD}, in no particular order
	 */
	synchronized Map<OriginStats, ThreadsSeen> threadsByOrigin(int maxNames) {
		Map<OriginStats, List<String>> names = new HashMap<>();
		Map<OriginStats, Integer> counts = new HashMap<>();
		for (Executor executor : new LinkedHashSet<>(this.byThread.values())) {
			OriginStats origin = executor.entry.origin();
			counts.merge(origin, executor.threads.size(), Integer::sum);
			List<String> listed = names.computeIfAbsent(origin, (key) -> new ArrayList<>());
			for (String name : executor.threads.values()) {
				if (listed.size() < maxNames) {
					listed.add(name);
				}
			}
		}
		Map<OriginStats, ThreadsSeen> result = new HashMap<>();
		counts.forEach((origin, count) -> result.put(origin, new ThreadsSeen(count, names.get(origin))));
		return result;
	}

	@Override
	public synchronized void started(ThreadOrigin thread) {
		if (this.closed || thread.origin().isUnknown()) {
			return;
		}
		Executor executor;
		if (thread.startedDirectly() || TIMER.equals(thread.starterClass())) {
			executor = new Executor(admit(thread), null);
		}
		else {
			PoolKey key = new PoolKey(thread.origin(), stem(thread.threadName()));
			executor = this.pools.get(key);
			if (executor == null || executor.names.contains(thread.threadName())) {
				executor = new Executor(admit(thread), key);
				this.pools.put(key, executor);
			}
		}
		executor.threads.put(thread.threadId(), thread.threadName());
		executor.names.add(thread.threadName());
		this.byThread.put(thread.threadId(), executor);
	}

	private LiveThreads admit(ThreadOrigin thread) {
		long ageMillis = (thread.startedMillis() != ThreadOrigin.UNKNOWN_TIME)
				? Math.max(0, System.currentTimeMillis() - thread.startedMillis()) : 0;
		return this.scheduler.admitThreads(thread.origin(), thread.startStack(), ageMillis);
	}

	@Override
	public synchronized void ended(ThreadOrigin thread) {
		Executor executor = this.byThread.remove(thread.threadId());
		if (executor == null) {
			return;
		}
		String name = executor.threads.remove(thread.threadId());
		executor.names.remove(name);
		if (executor.threads.isEmpty()) {
			executor.entry.end();
			if (executor.key != null) {
				this.pools.remove(executor.key, executor);
			}
		}
	}

	/**
	 * Forget every thread, and drop what the recorder may still deliver: the tracker has left
	 * the registry.
	 */
	synchronized void close() {
		this.closed = true;
		this.byThread.clear();
		this.pools.clear();
	}

	synchronized int liveThreads() {
		return this.byThread.size();
	}

	/**
	 * A thread's name without its trailing number: what the threads of one pool share.
	 * @param name a thread name
	 * @return the stem
	 */
	static String stem(String name) {
		int end = name.length();
		while (end > 0 && Character.isDigit(name.charAt(end - 1))) {
			end--;
		}
		return name.substring(0, end);
	}

	private record PoolKey(TaskOrigin origin, String stem) {
	}

	// One executor, Timer or thread: its live threads, by id and by name.
	private static final class Executor {

		private final LiveThreads entry;

		private final @Nullable PoolKey key;

		private final Map<Long, String> threads = new LinkedHashMap<>();

		private final Set<String> names = new HashSet<>();

		Executor(LiveThreads entry, @Nullable PoolKey key) {
			this.entry = entry;
			this.key = key;
		}

	}

}
