package dev.timerwatch.autoconfigure;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * External configuration properties for timerwatch.
 */
@ConfigurationProperties("timerwatch")
public class TimerwatchProperties {

	/**
	 * Whether to track scheduler beans and expose what is tracked.
	 */
	private final boolean enabled;

	private final Origin origin;

	public TimerwatchProperties(@DefaultValue("true") boolean enabled, @DefaultValue Origin origin) {
		this.enabled = enabled;
		this.origin = origin;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public Origin getOrigin() {
		return this.origin;
	}

	/**
	 * How the origin of a task is found.
	 */
	public static class Origin {

		/**
		 * Packages whose frames are never taken as the origin of a task, in addition to the JDK,
		 * Spring, AspectJ, Micrometer and timerwatch. Add the packages of in-house scheduling
		 * helpers so that their callers are named instead.
		 */
		private final List<String> excludePackages;

		/**
		 * How many stack frames to look at for an application frame before calling the origin
		 * unknown.
		 */
		private final int maxDepth;

		public Origin(@DefaultValue List<String> excludePackages, @DefaultValue("64") int maxDepth) {
			if (maxDepth < 1) {
				throw new IllegalArgumentException("timerwatch.origin.max-depth must be at least 1, was " + maxDepth);
			}
			this.excludePackages = List.copyOf(excludePackages);
			this.maxDepth = maxDepth;
		}

		public List<String> getExcludePackages() {
			return this.excludePackages;
		}

		public int getMaxDepth() {
			return this.maxDepth;
		}

	}

}
