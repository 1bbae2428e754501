package dev.timerwatch.tracking;

import java.lang.StackWalker.StackFrame;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds the application frame that scheduled a task by walking the current stack, skipping
 * JDK, Spring, timerwatch and configured packages.
 *
 * <p>The walk is bounded: a stack with no application frame (a framework thread, say)
 * would otherwise be walked to the bottom, which costs microseconds on deep stacks.
 */
public final class CallSiteLocator {

	/** Packages whose frames are never an origin. */
	public static final List<String> DEFAULT_EXCLUDED_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
			"org.springframework.", "org.aspectj.", "io.micrometer.", "reactor.", "dev.timerwatch.tracking.",
			"dev.timerwatch.scheduling.", "dev.timerwatch.autoconfigure.");

	private static final String CGLIB_MARKER = "$$SpringCGLIB$$";

	// Class references make each frame's class a field read instead of a name lookup, and let
	// the exclusion decision be cached per class.
	private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

	private final ClassValue<Boolean> excludedClasses = new ClassValue<>() {
		@Override
		protected Boolean computeValue(Class<?> type) {
			return isExcluded(type.getName());
		}
	};

	private final String[] excludedPrefixes;

	private final int maxDepth;

	/**
	 * Create a locator.
	 * @param additionalExcludedPackages packages to skip besides {@link #DEFAULT_EXCLUDED_PACKAGES}
	 * @param maxDepth how many frames to look at before giving up
	 */
	public CallSiteLocator(Collection<String> additionalExcludedPackages, int maxDepth) {
		if (maxDepth < 1) {
			throw new IllegalArgumentException("maxDepth must be positive, was " + maxDepth);
		}
		List<String> prefixes = new ArrayList<>(DEFAULT_EXCLUDED_PACKAGES);
		additionalExcludedPackages.stream()
			.map(String::trim)
			.filter((name) -> !name.isEmpty())
			.map((name) -> name.endsWith(".") ? name : name + ".")
			.forEach(prefixes::add);
		this.excludedPrefixes = prefixes.toArray(String[]::new);
		this.maxDepth = maxDepth;
	}

	/**
	 * A locator with the default exclusions and a depth of 64 frames.
	 * @return the default locator
	 */
	public static CallSiteLocator withDefaults() {
		return new CallSiteLocator(List.of(), 64);
	}

	/**
	 * The first application frame on the current stack, as an origin.
	 * @return the origin, or {@link TaskOrigin#unknown()} if none is within the depth bound
	 */
	public TaskOrigin locate() {
		Optional<StackFrame> frame = WALKER.walk((frames) -> frames.limit(this.maxDepth)
			.filter((f) -> !this.excludedClasses.get(f.getDeclaringClass()))
			.findFirst());
		return frame.map(CallSiteLocator::toOrigin).orElse(TaskOrigin.unknown());
	}

	/**
	 * The current stack from the first application frame on, for a leak report's detail.
	 * @param depth how many frames to keep
	 * @return the frames, possibly empty
	 */
	public List<StackTraceElement> captureStack(int depth) {
		return WALKER.walk((frames) -> frames.dropWhile((f) -> this.excludedClasses.get(f.getDeclaringClass()))
			.limit(depth)
			.map(StackFrame::toStackTraceElement)
			.collect(Collectors.toList()));
	}

	/**
	 * Whether frames of the given class are skipped.
	 * @param className a binary class name
	 * @return whether it is excluded
	 */
	public boolean isExcluded(String className) {
		for (String prefix : this.excludedPrefixes) {
			if (className.startsWith(prefix)) {
				return true;
			}
		}
		return className.contains(CGLIB_MARKER);
	}

	private static TaskOrigin toOrigin(StackFrame frame) {
		return TaskOrigin.callSite(frame.getClassName(), frame.getMethodName(), frame.getFileName(),
				frame.getLineNumber());
	}

}
