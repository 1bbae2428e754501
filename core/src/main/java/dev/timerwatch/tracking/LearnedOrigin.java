package dev.timerwatch.tracking;

import java.lang.ref.WeakReference;

import org.jspecify.annotations.Nullable;

/**
 * What has been learned of the call site of one task class. Every lambda and method reference
 * has a class of its own, unique to where it is written, so its tasks come from one call site:
 * the first {@value #LEARNING_WALKS} tasks of a class are walked, and if they agree the class is
 * trusted and later tasks reuse the answer. A class seen at two call sites (a shared
 * {@code Runnable} type, or a helper that schedules a task passed in) is walked on every call
 * from then on. JDK and framework classes such as {@code FutureTask} are never trusted.
 *
 * <p>Plain fields are read and written racily on purpose: a stale read costs one extra walk or
 * one map lookup, never a wrong answer.
 */
final class LearnedOrigin {

	static final int LEARNING_WALKS = 8;

	final boolean excluded;

	volatile @Nullable TaskOrigin trusted;

	// The last scheduler's aggregates for the trusted origin, to skip a map lookup. Held
	// weakly: this object is cached on the task's class by the registry's ClassValue, and a
	// strong path from it back to the registry would keep the registry, its schedulers and the
	// ClassValue itself alive for as long as the class is loaded.
	private volatile @Nullable WeakReference<OriginStats> lastStats;

	private @Nullable TaskOrigin first;

	private int agreeing;

	private boolean ambiguous;

	LearnedOrigin(boolean excluded) {
		this.excluded = excluded;
	}

	@Nullable OriginStats lastStats() {
		WeakReference<OriginStats> reference = this.lastStats;
		return (reference != null) ? reference.get() : null;
	}

	void remember(OriginStats stats) {
		this.lastStats = new WeakReference<>(stats);
	}

	synchronized void observe(TaskOrigin located) {
		if (this.ambiguous) {
			return;
		}
		TaskOrigin trusted = this.trusted;
		if (trusted != null) {
			if (!trusted.equals(located)) {
				this.ambiguous = true;
				this.trusted = null;
			}
			return;
		}
		if (this.first == null) {
			this.first = located;
			this.agreeing = 1;
		}
		else if (this.first.equals(located)) {
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
