package dev.timerwatch.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reactor starts the threads of its shared schedulers on first use and keeps them, as the JDK
 * does its common pool: a test that uses them leaks nothing, while a scheduler it creates and
 * never disposes is still reported, at its own line.
 */
class ReactorTests {

	private final TimerLeakOptions options = TimerLeakOptions.defaults().withGracePeriod(Duration.ofMillis(200));

	@Test
	void aTestThatUsesReactorsSharedSchedulersLeavesNothingToBlame() {
		TimerLeakCheck check = TimerLeaks.begin(this.options);
		assertThat(Mono.delay(Duration.ofMillis(20)).block()).isZero();
		assertThat(Flux.interval(Duration.ofMillis(5)).take(3).blockLast()).isEqualTo(2);
		assertThat(Mono.fromCallable(() -> 1).subscribeOn(Schedulers.boundedElastic()).block()).isEqualTo(1);
		assertThat(Mono.just(2).publishOn(Schedulers.single()).block()).isEqualTo(2);
		TimerLeakReport report = check.findLeaks();
		assertThat(report.isEmpty()).as("%s", report).isTrue();
	}

	@Test
	void aSchedulerATestCreatesAndNeverDisposesIsReportedAtItsLine() {
		TimerLeakCheck check = TimerLeaks.begin(this.options);
		Scheduler perCall = Schedulers.newSingle("per-call");
		try {
			perCall.schedule(ReactorTests::noop); int line = new Throwable().getStackTrace()[0].getLineNumber();
			TimerLeakReport report = check.findLeaks();
			assertThat(report.threads()).singleElement().satisfies((leak) -> {
				assertThat(leak.origin().getClassName()).isEqualTo(ReactorTests.class.getName());
				assertThat(leak.origin().getLineNumber()).isEqualTo(line);
			});
		}
		finally {
			perCall.dispose();
		}
	}

	private static void noop() {
	}

}
