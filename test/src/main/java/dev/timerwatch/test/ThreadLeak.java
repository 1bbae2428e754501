package dev.timerwatch.test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.timerwatch.tracking.TaskOrigin;

/**
 * Threads started at one line during a test and still alive after the grace period. Immutable.
 */
public final class ThreadLeak {

	private final TaskOrigin origin;

	private final String unknownOriginReason;

	private final ThreadKind kind;

	private final List<String> threadNames;

	private final List<StackTraceElement> startStack;

	private final Duration gracePeriod;

	ThreadLeak(TaskOrigin origin, String unknownOriginReason, ThreadKind kind, List<String> threadNames,
			List<StackTraceElement> startStack, Duration gracePeriod) {
		this.origin = origin;
		this.unknownOriginReason = unknownOriginReason;
		this.kind = kind;
		this.threadNames = List.copyOf(threadNames);
		this.startStack = List.copyOf(startStack);
		this.gracePeriod = gracePeriod;
	}

	/**
	 * The line that started the threads, as a task's origin is named, or
	 * {@link TaskOrigin#unknown()} if it is not known.
	 * @return the origin
	 */
	public TaskOrigin origin() {
		return this.origin;
	}

	/**
	 * What kind of thread it is, read from what the threads are doing.
	 * @return the kind
	 */
	public ThreadKind kind() {
		return this.kind;
	}

	/**
	 * The names of the threads, as they are now.
	 * @return the names
	 */
	public List<String> threadNames() {
		return this.threadNames;
	}

	public int count() {
		return this.threadNames.size();
	}

	/**
	 * The stack that started the first of the threads, from its application frame on.
	 * @return the frames, empty if not recorded
	 */
	public List<StackTraceElement> startStack() {
		return this.startStack;
	}

	/**
	 * The report, in the style of the {@code TIMER LEAK:} log line.
	 * @return one line
	 */
	public String message() {
		String where = this.origin.isUnknown() ? "at an unknown line (" + this.unknownOriginReason + ")"
				: "at " + this.origin.describe();
		String names = this.threadNames.stream().map((name) -> "'" + name + "'").collect(Collectors.joining(", "));
		return String.format(Locale.ROOT,
				"TIMER LEAK: %s started %s %s; %,d %s started during the test still alive after %s (%s). Fix: %s.",
				this.kind.what(), where, this.kind.failure(), count(), (count() == 1) ? "thread" : "threads",
				readable(this.gracePeriod), names, this.kind.fix());
	}

	static String readable(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : millis + " ms";
	}

	@Override
	public String toString() {
		return message();
	}

}
