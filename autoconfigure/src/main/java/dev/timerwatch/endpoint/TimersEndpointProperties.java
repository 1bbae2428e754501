package dev.timerwatch.endpoint;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the {@link TimersEndpoint}.
 */
@ConfigurationProperties("management.endpoint.timers")
public class TimersEndpointProperties {

	/**
	 * When to show the stack that created an origin's first task in
	 * /actuator/timers/{id}. Stack traces name internal classes, so they are never shown by
	 * default.
	 */
	private Show showDetails = Show.NEVER;

	/**
	 * Roles that may see details when show-details is when-authorized. Empty: any
	 * authenticated user.
	 */
	private Set<String> roles = new HashSet<>();

	public Show getShowDetails() {
		return this.showDetails;
	}

	public void setShowDetails(Show showDetails) {
		this.showDetails = showDetails;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public void setRoles(Set<String> roles) {
		this.roles = roles;
	}

}
