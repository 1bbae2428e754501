package dev.timerwatch.sample.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Incident 5: a read loop polls a shutdown flag by scheduling a fresh 30-second timeout on
 * every iteration; the fixed loop reads the flag directly.
 */
@Component
public class PollingReadLoopScenario extends Scenario {

	private final TaskScheduler scheduler;

	private final AtomicBoolean shuttingDown = new AtomicBoolean();

	public PollingReadLoopScenario(TaskScheduler scheduler) {
		super(scheduler, Duration.ofMillis(250));
		this.scheduler = scheduler;
	}

	@Override
	public String name() {
		return "polling-read-loop";
	}

	@Override
	public String description() {
		return "Reads a message per step; the leaky loop schedules a 30-second timeout per read to check a flag";
	}

	@Override
	protected void step(Variant variant) {
		if (variant == Variant.LEAKY) {
			this.scheduler.schedule(this::checkShutdownFlag, Instant.now().plus(Duration.ofSeconds(30))); // leak
		}
		else {
			checkShutdownFlag();
		}
		readMessage();
	}

	private void checkShutdownFlag() {
		this.shuttingDown.get();
	}

	private void readMessage() {
	}

}
