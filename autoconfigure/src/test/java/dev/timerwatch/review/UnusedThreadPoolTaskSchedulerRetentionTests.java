package dev.timerwatch.review;

import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ThreadPoolTaskScheduler that never ran anything has no thread: raw, it is collected once
 * dropped. Tracked, its probe holds it strongly from the registry, which never lets it go.
 */
class UnusedThreadPoolTaskSchedulerRetentionTests {

	@Test
	void aRawUnusedThreadPoolTaskSchedulerIsCollectedOnceDropped() throws Exception {
		WeakReference<Object> raw = create(null);
		assertThat(collected(raw, null)).as("raw scheduler collected").isTrue();
	}

	@Test
	void aTrackedUnusedThreadPoolTaskSchedulerIsCollectedAndLeavesTheRegistryOnceDropped() throws Exception {
		TimerRegistry registry = new TimerRegistry();
		WeakReference<Object> raw = create(new SchedulerTracking(() -> registry));
		assertThat(collected(raw, registry)).as("tracked scheduler collected").isTrue();
		assertThat(registry.schedulers()).as("trackers of dropped schedulers").isEmpty();
	}

	private static WeakReference<Object> create(SchedulerTracking tracking) {
		ThreadPoolTaskScheduler raw = new ThreadPoolTaskScheduler();
		raw.initialize();
		if (tracking != null) {
			tracking.track(raw, "per-call");
		}
		return new WeakReference<>(raw);
	}

	private static boolean collected(WeakReference<Object> reference, TimerRegistry registry)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		while (System.nanoTime() < deadline) {
			if (registry != null) {
				registry.advance();
			}
			System.gc();
			if (reference.get() == null && (registry == null || registry.schedulers().isEmpty())) {
				return true;
			}
			Thread.sleep(50);
		}
		return reference.get() == null;
	}

}
