package dev.timerwatch.lag;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code SimpleAsyncTaskScheduler} hands each run of a fixed-rate task to a thread of its own
 * and plans the next run at once: the run starts with the next one already planned. Its lag is
 * still how late it started against its own planned time.
 */
class HandedOffRunLagTests {

	@Test
	void aFixedRateRunHeldUpOnItsWayToAThreadOfItsOwnIsAsLateAsItWasHeldUp() throws Exception {
		TimerRegistry registry = new TimerRegistry();
		List<Long> lags = new CopyOnWriteArrayList<>();
		registry.setObserver(new TaskObserver() {

			@Override
			public void runStarted(OriginStats origin, long lagNanos) {
				lags.add(lagNanos);
			}

		});
		try (SimpleAsyncTaskScheduler raw = new SimpleAsyncTaskScheduler()) {
			// One run at a time: the scheduler's thread waits to hand off while a run is on.
			raw.setConcurrencyLimit(1);
			TaskScheduler scheduler = new SchedulerTracking(() -> registry).track(raw, "simple");
			CountDownLatch holding = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			raw.execute(() -> {
				holding.countDown();
				awaitQuietly(release);
			});
			assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
			ScheduledFuture<?> ticker = scheduler.scheduleAtFixedRate(HandedOffRunLagTests::noop, Duration.ofSeconds(2));
			Thread.sleep(700);
			release.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> !lags.isEmpty());
			ticker.cancel(false);
		}
		// Planned at once, held up for 700 ms: not "1.3 s early", as its future's delay to the
		// next run reads.
		assertThat(lags.get(0)).isBetween(TimeUnit.MILLISECONDS.toNanos(600), TimeUnit.MILLISECONDS.toNanos(1_900));
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void noop() {
	}

}
