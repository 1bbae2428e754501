package dev.timerwatch.retention;

import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;
import dev.timerwatch.tracking.TimerRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code ThreadPoolTaskScheduler} that has no thread (one that never ran anything) is
 * collected once the application drops it; tracked, it must be too, and its tracker must leave
 * the registry.
 */
class DroppedThreadPoolTaskSchedulerRetentionTests {

	private final TimerRegistry registry = new TimerRegistry();

	@Test
	void aRawUnusedSchedulerIsCollectedOnceDropped() throws Exception {
		WeakReference<Object> raw = create(null);
		assertThat(collected(raw, false)).as("raw scheduler collected").isTrue();
	}

	@Test
	void aTrackedUnusedSchedulerIsCollectedAndLeavesTheRegistryOnceDropped() throws Exception {
		WeakReference<Object> raw = create(new SchedulerTracking(() -> this.registry));
		assertThat(collected(raw, true)).as("tracked scheduler collected").isTrue();
		assertThat(this.registry.schedulers()).as("trackers of dropped schedulers").isEmpty();
	}

	private static WeakReference<Object> create(@Nullable SchedulerTracking tracking) {
		ThreadPoolTaskScheduler raw = new ThreadPoolTaskScheduler();
		raw.initialize();
		if (tracking != null) {
			tracking.track(raw, "per-call");
		}
		return new WeakReference<>(raw);
	}

	private boolean collected(WeakReference<@Nullable Object> reference, boolean unregistered)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		while (System.nanoTime() < deadline) {
			collectAndMaintain();
			if (reference.get() == null && (!unregistered || this.registry.schedulers().isEmpty())) {
				return true;
			}
		}
		return false;
	}

	private void collectAndMaintain() throws InterruptedException {
		this.registry.advance();
		System.gc();
		Thread.sleep(50);
	}

}
