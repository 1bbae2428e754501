package dev.timerwatch.trend;

import java.util.Locale;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evidence sentence is built by hand, for speed; it reads as {@code String.format} would
 * have written it in the root locale.
 */
class OriginVerdictTests {

	@Test
	void countsAreGroupedByThousandsAsTheRootLocaleGroupsThem() {
		long[] values = { 0, 7, -7, 999, -999, 1_000, -1_000, 12_345, 123_456, -123_456, 1_234_567, 10_000_000,
				Long.MAX_VALUE, Long.MIN_VALUE };
		for (long value : values) {
			assertThat(OriginVerdict.grouped(value)).as("%d", value).isEqualTo(String.format(Locale.ROOT, "%,d", value));
		}
	}

	@Test
	void durationsHaveOneDecimalAndNoTrailingZero() {
		assertThat(OriginVerdict.duration(999)).isEqualTo("999 ms");
		assertThat(OriginVerdict.duration(1_000)).isEqualTo("1 s");
		assertThat(OriginVerdict.duration(1_250)).isEqualTo("1.3 s");
		assertThat(OriginVerdict.duration(59_940)).isEqualTo("59.9 s");
		assertThat(OriginVerdict.duration(59_960)).isEqualTo("60 s");
		assertThat(OriginVerdict.duration(90_000)).isEqualTo("1.5 min");
		assertThat(OriginVerdict.duration(300_000)).isEqualTo("5 min");
		assertThat(OriginVerdict.duration(5_400_000)).isEqualTo("1.5 h");
	}

	@Test
	void oneOutlivedTaskIsOneTaskInTheEvidence() {
		TimerRegistry registry = new TimerRegistry();
		registry.register("scheduler", "test").admit(TaskOrigin.callSite("com.example.Jobs", "run", "Jobs.java", 3),
				TaskKind.ONCE);
		OriginStats origin = registry.origins().get(0);
		assertThat(verdict(origin, 1).evidence()).startsWith("1 task older than 30 s, +1 in the last 30 s");
		assertThat(verdict(origin, 2).evidence()).startsWith("2 tasks older than 30 s, +2 in the last 30 s");
	}

	private static OriginVerdict verdict(OriginStats origin, long outlived) {
		return new OriginVerdict(origin, Trend.GROWING, 0, outlived, outlived, 30_000, -1, outlived, 2.0, null, -1,
				30_000, new long[0], new long[0]);
	}

}
