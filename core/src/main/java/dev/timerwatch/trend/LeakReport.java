package dev.timerwatch.trend;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Everything the last sample found. Immutable; replaced whole at each sample, so a reader
 * sees one consistent sample.
 */
public final class LeakReport {

	private static final LeakReport EMPTY = new LeakReport(-1, List.of(), 0);

	private final long sampledAtMillis;

	private final List<OriginVerdict> verdicts;

	private final Map<String, OriginVerdict> byId;

	private final long totalPending;

	LeakReport(long sampledAtMillis, List<OriginVerdict> verdicts, long totalPending) {
		this.sampledAtMillis = sampledAtMillis;
		this.verdicts = List.copyOf(verdicts);
		this.byId = verdicts.stream()
			.collect(Collectors.toUnmodifiableMap((verdict) -> verdict.origin().id(), Function.identity(),
					(first, second) -> first));
		this.totalPending = totalPending;
	}

	static LeakReport empty() {
		return EMPTY;
	}

	/**
	 * When the sample was taken.
	 * @return epoch milliseconds, or -1 before the first sample
	 */
	public long sampledAtMillis() {
		return this.sampledAtMillis;
	}

	public List<OriginVerdict> verdicts() {
		return this.verdicts;
	}

	public @Nullable OriginVerdict verdict(String originId) {
		return this.byId.get(originId);
	}

	public List<OriginVerdict> leaking() {
		return this.verdicts.stream().filter(OriginVerdict::isLeaking).toList();
	}

	public long totalPending() {
		return this.totalPending;
	}

}
