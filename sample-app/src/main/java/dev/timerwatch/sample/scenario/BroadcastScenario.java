package dev.timerwatch.sample.scenario;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Incident 3: a broker broadcasts each message to its subscribers with a per-subscriber
 * timeout of three minutes; the reply arrives in milliseconds but the timeout is never
 * cancelled, so pending timeouts grow with message rate times delay.
 */
@Component
public class BroadcastScenario extends Scenario {

	private static final int SUBSCRIBERS = 5;

	private final ScheduledExecutorService timeouts;

	public BroadcastScenario(TaskScheduler scheduler, @Qualifier("timeoutExecutor") ScheduledExecutorService timeouts) {
		super(scheduler, Duration.ofMillis(500));
		this.timeouts = timeouts;
	}

	@Override
	public String name() {
		return "broadcast";
	}

	@Override
	public String description() {
		return "Sends each message to " + SUBSCRIBERS + " subscribers with a 3-minute timeout each; "
				+ "the leaky broadcast never cancels a timeout when the reply arrives";
	}

	@Override
	protected void step(Variant variant) {
		for (int subscriber = 0; subscriber < SUBSCRIBERS; subscriber++) {
			ScheduledFuture<?> timeout = this.timeouts.schedule(this::giveUp, 3, TimeUnit.MINUTES); // leak
			boolean replied = deliver(subscriber);
			if (variant == Variant.FIXED && replied) {
				timeout.cancel(false);
			}
		}
	}

	private boolean deliver(int subscriber) {
		return subscriber >= 0;
	}

	private void giveUp() {
	}

}
