package dev.timerwatch.sample.scenario;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Incident 1: a monitor pings many hosts; each ping session starts a timeout ticker and an
 * interval ticker and returns on success without stopping either, so every finished session
 * leaves two periodic tasks firing for ever.
 */
@Component
public class PingMonitorScenario extends Scenario {

	private final TaskScheduler scheduler;

	private final AtomicInteger host = new AtomicInteger();

	public PingMonitorScenario(TaskScheduler scheduler) {
		super(scheduler, Duration.ofMillis(500));
		this.scheduler = scheduler;
	}

	@Override
	public String name() {
		return "ping-monitor";
	}

	@Override
	public String description() {
		return "Pings a host per step; the leaky session returns without stopping its timeout and interval tickers";
	}

	@Override
	protected void step(Variant variant) {
		String target = "10.0.0." + (this.host.incrementAndGet() % 250);
		if (variant == Variant.LEAKY) {
			leakyPing(target);
		}
		else {
			fixedPing(target);
		}
	}

	boolean leakyPing(String target) {
		ScheduledFuture<?> timeout = this.scheduler.scheduleAtFixedRate(() -> target.length(), Duration.ofMinutes(1)); // leak
		ScheduledFuture<?> interval = this.scheduler.scheduleAtFixedRate(() -> target.hashCode(), Duration.ofSeconds(30)); // leak
		return reply(target);
	}

	boolean fixedPing(String target) {
		ScheduledFuture<?> timeout = this.scheduler.scheduleAtFixedRate(() -> target.length(), Duration.ofMinutes(1));
		ScheduledFuture<?> interval = this.scheduler.scheduleAtFixedRate(() -> target.hashCode(), Duration.ofSeconds(30));
		try {
			return reply(target);
		}
		finally {
			timeout.cancel(false);
			interval.cancel(false);
		}
	}

	private static boolean reply(String target) {
		return !target.isEmpty();
	}

}
