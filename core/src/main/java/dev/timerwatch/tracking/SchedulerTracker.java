package dev.timerwatch.tracking;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * The tracking state of one scheduler: its origins and the figures its decorator records.
 *
 * <p>Attributing a task to its call site needs a stack walk, which costs about 36 times a
 * raw {@code schedule} and {@code cancel} (2.1 us here), so origins are learned per task class (see
 * {@link LearnedOrigin}); one task in {@value #VERIFY_INTERVAL} of a trusted class, drawn at random, is
 * walked again to check.
 */
public final class SchedulerTracker {

	// A power of two, so that the check is a mask.
	static final int VERIFY_INTERVAL = 4096;

	private final TimerRegistry registry;

	private final String name;

	private final String type;

	private final ConcurrentHashMap<TaskOrigin, OriginStats> origins = new ConcurrentHashMap<>();

	private volatile SchedulerProbe probe = SchedulerProbe.NONE;

	private volatile @Nullable Object scheduler;

	SchedulerTracker(TimerRegistry registry, String name, String type) {
		this.registry = registry;
		this.name = name;
		this.type = type;
	}

	/**
	 * Count a new task from the origin of the given task object and return the bucket the
	 * task must hold.
	 * @param task the runnable or callable being scheduled
	 * @param kind how it is scheduled
	 * @return the task's pending bucket
	 */
	public PendingBucket admit(Object task, TaskKind kind) {
		return originFor(task).admit(kind);
	}

	/**
	 * Count a new task from an origin already known (a {@code @Scheduled} method, say).
	 * @param origin the origin
	 * @param kind how it is scheduled
	 * @return the task's pending bucket
	 */
	public PendingBucket admit(TaskOrigin origin, TaskKind kind) {
		return originAt(origin).admit(kind);
	}

	/**
	 * Count a new task and record its period, if it has one.
	 * @param task the runnable or callable being scheduled
	 * @param kind how it is scheduled
	 * @param periodNanos its period or fixed delay, or -1 if it is not periodic
	 * @return the task's pending bucket
	 */
	public PendingBucket admit(Object task, TaskKind kind, long periodNanos) {
		return admitTo(originFor(task), kind, periodNanos);
	}

	/**
	 * Count a new task from an origin already known, and record its period, if it has one.
	 * @param origin the origin
	 * @param kind how it is scheduled
	 * @param periodNanos its period or fixed delay, or -1 if it is not periodic
	 * @return the task's pending bucket
	 */
	public PendingBucket admit(TaskOrigin origin, TaskKind kind, long periodNanos) {
		return admitTo(originAt(origin), kind, periodNanos);
	}

	private static PendingBucket admitTo(OriginStats origin, TaskKind kind, long periodNanos) {
		if (periodNanos > 0) {
			origin.notePeriod(periodNanos);
		}
		return origin.admit(kind);
	}

	OriginStats originFor(Object task) {
		LearnedOrigin learned = this.registry.learnedOrigin(task.getClass());
		TaskOrigin trusted = learned.trusted;
		if (trusted != null && (ThreadLocalRandom.current().nextInt() & (VERIFY_INTERVAL - 1)) != 0) {
			OriginStats last = learned.lastStats;
			if (last != null && last.scheduler() == this && last.origin() == trusted) {
				return last;
			}
			OriginStats stats = originAt(trusted);
			learned.lastStats = stats;
			return stats;
		}
		TaskOrigin located = this.registry.locator().locate();
		if (!learned.excluded) {
			learned.observe(located);
		}
		return originAt(located);
	}

	OriginStats originAt(TaskOrigin origin) {
		OriginStats stats = this.origins.get(origin);
		if (stats == null) {
			stats = this.origins.computeIfAbsent(origin,
					(key) -> new OriginStats(this, key, this.registry.locator().captureStack(32)));
		}
		return stats;
	}

	/**
	 * Attach the live scheduler this tracker reports on.
	 * @param scheduler the scheduler
	 * @param probe how to read its figures
	 */
	public void attach(Object scheduler, SchedulerProbe probe) {
		this.scheduler = scheduler;
		this.probe = probe;
	}

	/**
	 * The scheduler attached to this tracker.
	 * @return the scheduler, or {@code null}
	 */
	public @Nullable Object scheduler() {
		return this.scheduler;
	}

	public SchedulerProbe probe() {
		return this.probe;
	}

	public TimerRegistry registry() {
		return this.registry;
	}

	/**
	 * The scheduler's name, its bean name in a Spring application.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The scheduler's type, as a simple class name.
	 * @return the type
	 */
	public String type() {
		return this.type;
	}

	public Collection<OriginStats> origins() {
		return Collections.unmodifiableCollection(this.origins.values());
	}

	/**
	 * The cancelled tasks this tracker has seen stay in their executor's queue. Only
	 * decorators that see tasks leave the queue (the tracking {@code ScheduledThreadPoolExecutor})
	 * count these; others leave it at zero and answer through their probe.
	 * @return the count
	 */
	public long countedRetainedCancelled() {
		long sum = 0;
		for (OriginStats origin : this.origins.values()) {
			sum += origin.retainedCancelled();
		}
		return sum;
	}

	/**
	 * Stop reporting this scheduler: it has shut down.
	 */
	public void close() {
		this.registry.unregister(this);
	}

	void prune(int epoch) {
		this.origins.values().forEach((origin) -> origin.prune(epoch));
	}

}
