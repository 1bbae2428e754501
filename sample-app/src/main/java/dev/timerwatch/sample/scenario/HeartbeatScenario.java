package dev.timerwatch.sample.scenario;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Incident 2: a consensus node's heartbeat loop makes a new periodic heartbeat on every
 * event instead of resetting the one it has.
 */
@Component
public class HeartbeatScenario extends Scenario {

	private final TaskScheduler scheduler;

	private @Nullable ScheduledFuture<?> heartbeat;

	public HeartbeatScenario(TaskScheduler scheduler) {
		super(scheduler, Duration.ofMillis(500));
		this.scheduler = scheduler;
	}

	@Override
	public String name() {
		return "heartbeat-loop";
	}

	@Override
	public String description() {
		return "On every event the leaky loop starts a new periodic heartbeat; the fixed loop resets its one heartbeat";
	}

	@Override
	protected void step(Variant variant) {
		if (variant == Variant.LEAKY) {
			this.scheduler.scheduleWithFixedDelay(this::sendHeartbeat, Duration.ofSeconds(30)); // leak
		}
		else {
			resetHeartbeat();
		}
	}

	private synchronized void resetHeartbeat() {
		if (this.heartbeat != null) {
			this.heartbeat.cancel(false);
		}
		this.heartbeat = this.scheduler.scheduleWithFixedDelay(this::sendHeartbeat, Duration.ofSeconds(30));
	}

	@Override
	protected synchronized void release() {
		if (this.heartbeat != null) {
			this.heartbeat.cancel(false);
			this.heartbeat = null;
		}
	}

	private void sendHeartbeat() {
	}

}
