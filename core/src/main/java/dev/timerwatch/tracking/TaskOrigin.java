package dev.timerwatch.tracking;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where tasks come from: the application call site that scheduled them, or the
 * {@code @Scheduled} method they run. Immutable.
 */
public final class TaskOrigin {

	private static final TaskOrigin UNKNOWN = new TaskOrigin("unknown", "unknown", null, -1, false);

	private static final TaskOrigin OVERFLOW = new TaskOrigin("overflow", "overflow", null, -1, false);

	private final String className;

	private final String methodName;

	private final @Nullable String fileName;

	private final int lineNumber;

	private final boolean scheduledMethod;

	private final int hash;

	private TaskOrigin(String className, String methodName, @Nullable String fileName, int lineNumber,
			boolean scheduledMethod) {
		this.className = className;
		this.methodName = methodName;
		this.fileName = fileName;
		this.lineNumber = lineNumber;
		this.scheduledMethod = scheduledMethod;
		this.hash = Objects.hash(className, methodName, fileName, lineNumber, scheduledMethod);
	}

	/**
	 * The origin of a task scheduled from the given line of code.
	 * @param className the declaring class of the calling method
	 * @param methodName the calling method
	 * @param fileName the source file, if known
	 * @param lineNumber the line, or a negative number if unknown
	 * @return the origin
	 */
	public static TaskOrigin callSite(String className, String methodName, @Nullable String fileName,
			int lineNumber) {
		// A frame tells an unknown line as -1, or -2 in a native method: both are no line.
		return new TaskOrigin(className, methodName, fileName, Math.max(lineNumber, -1), false);
	}

	/**
	 * The origin of the tasks of a {@code @Scheduled} method.
	 * @param className the bean's user class
	 * @param methodName the annotated method
	 * @return the origin
	 */
	public static TaskOrigin scheduledMethod(String className, String methodName) {
		return new TaskOrigin(className, methodName, null, -1, true);
	}

	/**
	 * The origin of tasks scheduled with no application frame on the stack.
	 * @return the unknown origin
	 */
	public static TaskOrigin unknown() {
		return UNKNOWN;
	}

	/**
	 * The origin under which tasks are counted once the origin table is full.
	 * @return the overflow origin
	 */
	public static TaskOrigin overflow() {
		return OVERFLOW;
	}

	/**
	 * Whether this is the overflow origin.
	 * @return whether it is
	 */
	public boolean isOverflow() {
		return this == OVERFLOW;
	}

	public String getClassName() {
		return this.className;
	}

	public String getMethodName() {
		return this.methodName;
	}

	public @Nullable String getFileName() {
		return this.fileName;
	}

	public int getLineNumber() {
		return this.lineNumber;
	}

	/**
	 * Whether this is a {@code @Scheduled} method rather than a call site.
	 * @return whether this origin is a scheduled method
	 */
	public boolean isScheduledMethod() {
		return this.scheduledMethod;
	}

	public boolean isUnknown() {
		return this == UNKNOWN;
	}

	/**
	 * The origin as a reader expects it: {@code com.example.PingService.start(PingService.java:42)}
	 * for a call site, {@code com.example.ReportJob#generate} for a scheduled method. Distinct
	 * origins have distinct descriptions (short of a source file named "Unknown Source").
	 * @return a readable description
	 */
	public String describe() {
		if (this.scheduledMethod) {
			return this.className + "#" + this.methodName;
		}
		if (this == UNKNOWN) {
			return "unknown";
		}
		if (this == OVERFLOW) {
			return "other origins (the origin table is full: raise timerwatch.origin.max-origins)";
		}
		// Unlike StackTraceElement, a line is kept without its file (a class compiled with line
		// numbers but no source file name): two lines of one method are two origins, and their
		// descriptions name their meters and make their ids, which must differ too.
		String file = (this.fileName != null) ? this.fileName : "Unknown Source";
		String location = (this.lineNumber >= 0) ? file + ":" + this.lineNumber : file;
		return this.className + "." + this.methodName + "(" + location + ")";
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof TaskOrigin that) || this.hash != that.hash) {
			return false;
		}
		return this.lineNumber == that.lineNumber && this.scheduledMethod == that.scheduledMethod
				&& this.className.equals(that.className) && this.methodName.equals(that.methodName)
				&& Objects.equals(this.fileName, that.fileName);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		return describe();
	}

}
