package dev.timerwatch.sample.scenario;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Incident 4: a service starts a ticker for every item it tracks and never stops any; the
 * fixed service keeps one ticker that visits every item.
 */
@Component
public class PerItemTickerScenario extends Scenario {

	private final TaskScheduler scheduler;

	private final List<String> items = new CopyOnWriteArrayList<>();

	private final AtomicInteger next = new AtomicInteger();

	private @Nullable ScheduledFuture<?> sharedTicker;

	public PerItemTickerScenario(TaskScheduler scheduler) {
		super(scheduler, Duration.ofMillis(500));
		this.scheduler = scheduler;
	}

	@Override
	public String name() {
		return "per-item-ticker";
	}

	@Override
	public String description() {
		return "Tracks one more item per step; the leaky service starts a ticker per item, the fixed one shares a ticker";
	}

	@Override
	protected void step(Variant variant) {
		String item = "item-" + this.next.incrementAndGet();
		if (variant == Variant.LEAKY) {
			this.scheduler.scheduleAtFixedRate(() -> refresh(item), Duration.ofSeconds(10)); // leak
		}
		else {
			this.items.add(item);
			startSharedTicker();
		}
	}

	private synchronized void startSharedTicker() {
		if (this.sharedTicker == null) {
			this.sharedTicker = this.scheduler.scheduleAtFixedRate(() -> this.items.forEach(this::refresh),
					Duration.ofSeconds(10));
		}
	}

	@Override
	protected synchronized void release() {
		if (this.sharedTicker != null) {
			this.sharedTicker.cancel(false);
			this.sharedTicker = null;
		}
		this.items.clear();
	}

	private void refresh(String item) {
	}

}
