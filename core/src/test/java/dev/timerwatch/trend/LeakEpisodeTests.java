package dev.timerwatch.trend;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a leak begins and ends, as {@link LeakEpisode} tells it.
 */
class LeakEpisodeTests {

	private static final long WINDOW = 60_000;

	private final LeakEpisode episode = new LeakEpisode(WINDOW);

	@Test
	void aLeakEndsOnceItsCountHasMadeNoNewHighForAWindow() {
		long now = riseTo(500, 0);
		assertThat(this.episode.since()).isZero();
		this.episode.update(now + WINDOW, 500, 0);
		assertThat(this.episode.since()).isEqualTo(-1);
	}

	@Test
	void aNewLeakMustRiseAboveTheCountAtWhichTheLastEnded() {
		long now = riseTo(500, 0);
		this.episode.update(now += WINDOW, 500, 0);
		// The long blocks still say "rose" for a while after the leak stopped.
		this.episode.update(now += 10_000, 500, 1.0);
		assertThat(this.episode.since()).isEqualTo(-1);
		this.episode.update(now += 10_000, 501, 1.0);
		assertThat(this.episode.since()).isEqualTo(now);
	}

	@Test
	void aDipWhileTheLastLeaksRiseStillShowsOpensNoNewLeak() {
		long now = riseTo(500, 0);
		this.episode.update(now += WINDOW, 500, 0);
		assertThat(this.episode.since()).isEqualTo(-1);
		// The long blocks still say "rose"; one outlived task ends, then another ages past the
		// horizon: the count is back where the leak ended, no higher.
		this.episode.update(now += 10_000, 499, 0.5);
		this.episode.update(now += 10_000, 500, 0.5);
		assertThat(this.episode.since()).isEqualTo(-1);
	}

	@Test
	void aNewLeakAfterTheLastOnesTasksWereCancelledIsFoundFromItsNewLowNotAboveTheOldLevel() {
		long now = riseTo(500, 0);
		this.episode.update(now += WINDOW, 500, 0);
		// The leaked tasks are cancelled, then another leak starts from nothing.
		this.episode.update(now += 10_000, 0, 0);
		this.episode.update(now += 10_000, 5, 2.0);
		assertThat(this.episode.since()).isEqualTo(now);
		assertThat(this.episode.risePerMinute()).isEqualTo(2.0);
	}

	// Rises by 10 every 10 s from the given time to the given count; returns the last time.
	private long riseTo(long count, long start) {
		long now = start;
		for (long outlived = 10; outlived <= count; outlived += 10) {
			this.episode.update(now, outlived, 60.0);
			now += 10_000;
		}
		return now - 10_000;
	}

}
