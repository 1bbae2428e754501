package dev.timerwatch.tracking;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Closing a tracker from two threads at once: a decorated executor's {@code awaitTermination}
 * returning true on both, say. Whoever returns from {@code close} must find the scheduler's
 * tasks settled by it, not only the thread that happened to run the settling.
 */
class SchedulerTrackerCloseTests {

	@Test
	void aSecondCloseReturnsOnlyOnceTheFirstHasSettled() throws Exception {
		SchedulerTracker tracker = new TimerRegistry().register("closing", "test");
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean settled = new AtomicBoolean();
		tracker.onClose(() -> {
			entered.countDown();
			awaitUninterruptibly(release);
			settled.set(true);
		});
		Thread first = new Thread(tracker::close, "first closer");
		first.start();
		assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
		AtomicReference<Boolean> settledWhenSecondReturned = new AtomicReference<>();
		Thread second = new Thread(() -> {
			tracker.close();
			settledWhenSecondReturned.set(settled.get());
		}, "second closer");
		second.start();
		second.join(300);
		assertThat(second.isAlive()).as("the second close waits for the first to settle").isTrue();
		release.countDown();
		second.join(5_000);
		first.join(5_000);
		assertThat(settledWhenSecondReturned).hasValue(true);
		assertThat(tracker.isClosed()).isTrue();
	}

	@Test
	void aCloseThatTheSettlingItselfCausesReturnsAtOnce() {
		SchedulerTracker tracker = new TimerRegistry().register("closing", "test");
		AtomicBoolean reentered = new AtomicBoolean();
		tracker.onClose(() -> {
			tracker.close();
			reentered.set(true);
		});
		assertTimeoutPreemptively(Duration.ofSeconds(2), tracker::close);
		assertThat(reentered).isTrue();
	}

	@Test
	void aCloseAfterTheFirstHasSettledReturnsAtOnce() {
		SchedulerTracker tracker = new TimerRegistry().register("closing", "test");
		tracker.close();
		assertTimeoutPreemptively(Duration.ofSeconds(2), tracker::close);
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
