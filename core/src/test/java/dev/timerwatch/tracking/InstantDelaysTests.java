package dev.timerwatch.tracking;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.timerwatch.fixtures.ManualTask;
import dev.timerwatch.tracking.OriginStats.EpochCount;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A one-shot task scheduled for an instant tells its delay by its scheduler's clock, which is
 * read only when the task's origin needs to know more than that the delay is within the
 * longest it has had.
 */
class InstantDelaysTests {

	private static final TaskOrigin ORIGIN = TaskOrigin.callSite("com.example.Requests", "timeout", "Requests.java", 12);

	private static final long SECOND_NANOS = 1_000_000_000L;

	private final AtomicLong registryClock = new AtomicLong(1_000_000);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.registryClock::get,
			1_000, 100, 3);

	private final SchedulerTracker scheduler = this.registry.register("scheduler", "Test");

	private final CountingClock clock = new CountingClock(5_000_000);

	@Test
	void tasksWithinTheLongestDelayOfTheirLineDoNotReadTheClock() {
		scheduleIn(30_000);
		assertThat(this.clock.reads()).isOne();
		for (int i = 0; i < 1_000; i++) {
			this.clock.advance(1);
			scheduleIn(20_000 + (i % 10_000));
		}
		// The first read gave 30 s; each later bound is at most 30 s more than a second, within it.
		assertThat(this.clock.reads()).isOne();
		assertThat(pending(origin(), OriginStats.Lane.ONE_SHOT)).isEqualTo(1_001);
	}

	@Test
	void aLineOfFixedTimeoutsReadsTheClockOncePerSixteenthOfItsDelay() {
		scheduleIn(32_000);
		for (int i = 0; i < 1_999; i++) {
			this.clock.advance(1);
			scheduleIn(32_000);
		}
		// Every bound was up to 2 s over the longest, within its sixteenth.
		assertThat(this.clock.reads()).isOne();
		this.clock.advance(2);
		scheduleIn(32_000);
		assertThat(this.clock.reads()).isEqualTo(2);
		assertThat(pending(origin(), OriginStats.Lane.ONE_SHOT)).isEqualTo(2_001);
	}

	@Test
	void aTaskWhoseBoundIsOverTheLongestReadsTheClockAndRaisesTheLongestOnlyByItsTrueDelay() {
		scheduleIn(30_000);
		// The clock moves on unread: a task of 30 s now has a bound of 50 s from the last reading.
		this.clock.advance(20_000);
		scheduleIn(30_000);
		assertThat(this.clock.reads()).isEqualTo(2);
		// The reading it took serves the next.
		scheduleIn(29_000);
		assertThat(this.clock.reads()).isEqualTo(2);
		settle();
		// Over three times 30 s, under three times 50 s: long only if the longest stayed 30 s.
		scheduleIn(91_000);
		assertThat(pending(origin(), OriginStats.Lane.LONG_DELAY)).isOne();
		assertThat(origin().longDelayOverNanos()).isEqualTo(OriginStats.LONG_DELAY_FACTOR * 30 * SECOND_NANOS);
	}

	@Test
	void aLongDelayIsFoundWhateverTheReadingItsBoundCameFrom() {
		scheduleIn(30_000);
		settle();
		int reads = this.clock.reads();
		scheduleIn(3_600_000);
		assertThat(this.clock.reads()).isEqualTo(reads + 1);
		assertThat(pending(origin(), OriginStats.Lane.LONG_DELAY)).isOne();
		assertThat(pending(origin(), OriginStats.Lane.ONE_SHOT)).isOne();
	}

	@Test
	void aReadingServesItsOwnClockInItsOwnEpochOnly() {
		InstantDelays delays = this.scheduler.instantDelays();
		long start = this.clock.now() + 10_000;
		assertThat(delays.atLeastTheDelayNanos(this.clock, start)).isEqualTo(-1);
		assertThat(delays.delayNanos(this.clock, start)).isEqualTo(10 * SECOND_NANOS);
		this.clock.advance(4_000);
		assertThat(delays.atLeastTheDelayNanos(this.clock, start)).as("no less than the 6 s left")
			.isEqualTo(10 * SECOND_NANOS);
		assertThat(delays.atLeastTheDelayNanos(new CountingClock(this.clock.now()), start)).isEqualTo(-1);
		this.registryClock.addAndGet(1_000);
		this.registry.advance();
		// A clock set back within the epoch would have misled for that epoch only.
		assertThat(delays.atLeastTheDelayNanos(this.clock, start)).isEqualTo(-1);
		assertThat(delays.delayNanos(this.clock, start)).isEqualTo(6 * SECOND_NANOS);
	}

	@Test
	void anInstantPastOrTooFarToSubtractFromNowHasADelayOfZeroOrNone() {
		InstantDelays delays = this.scheduler.instantDelays();
		assertThat(delays.delayNanos(this.clock, this.clock.now() - 5_000)).isZero();
		assertThat(delays.delayNanos(new CountingClock(-5_000), Long.MAX_VALUE)).isEqualTo(-1);
		assertThat(delays.delayNanos(this.clock, Long.MIN_VALUE)).isEqualTo(-1);
	}

	@Test
	void aClockThatThrowsLeavesTheDelayUnknownAndTheTaskCounted() {
		Clock broken = new CountingClock(0) {

			@Override
			public long millis() {
				throw new IllegalStateException("no time");
			}

		};
		ManualTask task = new ManualTask(this.scheduler.admitAt(ORIGIN, 1_000, broken), TaskKind.ONCE);
		assertThat(origin().pending()).isOne();
		task.end();
	}

	private void scheduleIn(long delayMillis) {
		new ManualTask(this.scheduler.admitAt(ORIGIN, this.clock.now() + delayMillis, this.clock), TaskKind.ONCE);
	}

	// Let the longest delay stand for the epochs it must before longer ones are judged by it.
	private void settle() {
		for (int i = 0; i < OriginStats.DELAY_SETTLED_EPOCHS; i++) {
			this.registryClock.addAndGet(1_000);
			this.registry.advance();
		}
	}

	private OriginStats origin() {
		List<OriginStats> origins = this.registry.origins();
		assertThat(origins).hasSize(1);
		return origins.get(0);
	}

	private static long pending(OriginStats origin, OriginStats.Lane lane) {
		return origin.pendingByEpoch(lane).stream().mapToLong(EpochCount::pending).sum();
	}

	/**
	 * A clock that tells how often its milliseconds were read, and moves only when told.
	 */
	private static class CountingClock extends Clock {

		private final AtomicLong millis;

		private final AtomicInteger reads = new AtomicInteger();

		CountingClock(long millis) {
			this.millis = new AtomicLong(millis);
		}

		void advance(long millis) {
			this.millis.addAndGet(millis);
		}

		int reads() {
			return this.reads.get();
		}

		// What the scheduler's caller reads for its instant: not counted.
		long now() {
			return this.millis.get();
		}

		@Override
		public long millis() {
			this.reads.incrementAndGet();
			return this.millis.get();
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(millis());
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}
