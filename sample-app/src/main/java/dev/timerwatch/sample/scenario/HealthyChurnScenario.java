package dev.timerwatch.sample.scenario;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * A healthy service with many timers at a steady level: each step schedules a batch of
 * short timeouts that all fire, so thousands are pending at any time and none leak. It must
 * never raise an alarm; both variants run the same code.
 */
@Component
public class HealthyChurnScenario extends Scenario {

	private static final int BATCH = 400;

	private final ScheduledExecutorService timeouts;

	public HealthyChurnScenario(TaskScheduler scheduler, @Qualifier("timeoutExecutor") ScheduledExecutorService timeouts) {
		super(scheduler, Duration.ofMillis(100));
		this.timeouts = timeouts;
	}

	@Override
	public String name() {
		return "healthy-churn";
	}

	@Override
	public String description() {
		return "Schedules " + BATCH + " timeouts of 0.2 to 0.7 s every 100 ms that all fire: about 1,800 pending, flat";
	}

	@Override
	protected void step(Variant variant) {
		for (int i = 0; i < BATCH; i++) {
			this.timeouts.schedule(this::expire, 200 + (i % 500), TimeUnit.MILLISECONDS);
		}
	}

	private void expire() {
	}

}
