package dev.timerwatch.tracking;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * The tracking state of one scheduler: its origins and the figures its decorator records.
 *
 * <p>Attributing a task to its call site needs a stack walk, which costs about 18 times a
 * raw {@code schedule} call. Every lambda and method reference has a class of its own, unique
 * to its creation site, so the origin is learned per task class instead: the first
 * {@value #LEARNING_WALKS} tasks of a class are walked, and if they agree the class is trusted
 * and later tasks reuse the answer. One task in {@value #VERIFY_INTERVAL} of a trusted class is
 * walked again; a class seen at two call sites (a shared {@code Runnable} type, say) is walked
 * every time from then on. JDK and framework classes such as {@code FutureTask} are always
 * walked.
 */
public final class SchedulerTracker {

	static final int LEARNING_WALKS = 8;

	// A power of two, so that the check is a mask.
	static final int VERIFY_INTERVAL = 1024;

	private final TimerRegistry registry;

	private final String name;

	private final String type;

	private final ConcurrentHashMap<TaskOrigin, OriginStats> origins = new ConcurrentHashMap<>();

	private final ClassValue<LearnedOrigin> learnedOrigins = new ClassValue<>() {
		@Override
		protected LearnedOrigin computeValue(Class<?> type) {
			return new LearnedOrigin(SchedulerTracker.this.registry.locator().isExcluded(type.getName()));
		}
	};

	final LongAdder retainedCancelled = new LongAdder();

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

	OriginStats originFor(Object task) {
		LearnedOrigin learned = this.learnedOrigins.get(task.getClass());
		OriginStats trusted = learned.trusted;
		if (trusted != null && (++learned.hits & (VERIFY_INTERVAL - 1)) != 0) {
			return trusted;
		}
		OriginStats located = originAt(this.registry.locator().locate());
		if (!learned.excluded) {
			learned.observe(located);
		}
		return located;
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
	 * keep this exact; others leave it at zero and answer through their probe.
	 * @return the count
	 */
	public long countedRetainedCancelled() {
		return this.retainedCancelled.sum();
	}

	/**
	 * Re-base the retained count after the scheduler dropped cancelled tasks without running
	 * them (as {@code ScheduledThreadPoolExecutor} does on shutdown).
	 * @param stillRetained how many are still in the queue
	 */
	public void resetRetainedCancelled(long stillRetained) {
		this.retainedCancelled.reset();
		this.retainedCancelled.add(stillRetained);
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

	/**
	 * What has been learned of the origin of one task class. Plain fields are read racily on
	 * purpose: a stale read only costs an extra stack walk.
	 */
	private static final class LearnedOrigin {

		// A JDK or framework class (FutureTask, say) says nothing of where it was scheduled.
		final boolean excluded;

		volatile @Nullable OriginStats trusted;

		int hits;

		LearnedOrigin(boolean excluded) {
			this.excluded = excluded;
		}

		private @Nullable OriginStats first;

		private int agreeing;

		private boolean ambiguous;

		synchronized void observe(OriginStats located) {
			if (this.ambiguous) {
				return;
			}
			OriginStats trusted = this.trusted;
			if (trusted != null) {
				if (trusted != located) {
					this.ambiguous = true;
					this.trusted = null;
				}
				return;
			}
			if (this.first == null) {
				this.first = located;
				this.agreeing = 1;
			}
			else if (this.first == located) {
				this.agreeing++;
			}
			else {
				this.ambiguous = true;
				return;
			}
			if (this.agreeing >= LEARNING_WALKS) {
				this.trusted = this.first;
			}
		}

	}

}
