package dev.timerwatch.test;

import java.util.List;

/**
 * The leaks one check found: tasks and threads created during the check and left behind.
 * Immutable.
 */
public final class TimerLeakReport {

	private static final int STACK_FRAMES = 8;

	private final List<TaskLeak> tasks;

	private final List<ThreadLeak> threads;

	TimerLeakReport(List<TaskLeak> tasks, List<ThreadLeak> threads) {
		this.tasks = List.copyOf(tasks);
		this.threads = List.copyOf(threads);
	}

	public List<TaskLeak> tasks() {
		return this.tasks;
	}

	public List<ThreadLeak> threads() {
		return this.threads;
	}

	/**
	 * Whether nothing leaked.
	 * @return whether the report is empty
	 */
	public boolean isEmpty() {
		return this.tasks.isEmpty() && this.threads.isEmpty();
	}

	/**
	 * The failure message: a line per leak, each with the stack that created it.
	 * @param after what was checked, {@code SessionTests.opensASession()} say
	 * @return the message
	 */
	public String message(String after) {
		int count = this.tasks.size() + this.threads.size();
		StringBuilder message = new StringBuilder();
		message.append(count).append((count == 1) ? " timer leak" : " timer leaks").append(" after ").append(after)
			.append(" (ignore known ones with @VerifyNoTimerLeaks(ignoreOrigins = ..., ignoreThreadNames = ...)"
					+ " or in " + TimerLeakOptions.PROPERTIES_RESOURCE + "):");
		// No stack for tasks: the registry keeps the stack of an origin's first task ever,
		// perhaps created by an earlier test, which would mislead here.
		for (TaskLeak leak : this.tasks) {
			message.append(System.lineSeparator()).append(leak.message());
		}
		for (ThreadLeak leak : this.threads) {
			message.append(System.lineSeparator()).append(leak.message());
			appendStack(message, "started at", leak.startStack());
		}
		return message.toString();
	}

	// Up to the reflective call of the test method: the runner's frames below it say nothing.
	private static void appendStack(StringBuilder message, String label, List<StackTraceElement> stack) {
		if (stack.isEmpty()) {
			return;
		}
		message.append(System.lineSeparator()).append("    ").append(label).append(':');
		stack.stream()
			.limit(STACK_FRAMES)
			.takeWhile((frame) -> !frame.getClassName().startsWith("jdk.internal.reflect.")
					&& !frame.getClassName().startsWith("java.lang.reflect."))
			.forEach((frame) -> message.append(System.lineSeparator()).append("        at ").append(frame));
	}

	@Override
	public String toString() {
		return message("the check");
	}

}
