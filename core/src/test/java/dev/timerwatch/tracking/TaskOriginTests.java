package dev.timerwatch.tracking;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TaskOrigin}.
 */
class TaskOriginTests {

	@Test
	void aCallSiteIsDescribedAsAStackFrameIs() {
		assertThat(TaskOrigin.callSite("com.example.Ping", "start", "Ping.java", 42).describe())
			.isEqualTo("com.example.Ping.start(Ping.java:42)");
		assertThat(TaskOrigin.callSite("com.example.Ping", "start", "Ping.java", -1).describe())
			.isEqualTo("com.example.Ping.start(Ping.java)");
		assertThat(TaskOrigin.callSite("com.example.Ping", "start", null, -1).describe())
			.isEqualTo("com.example.Ping.start(Unknown Source)");
	}

	@Test
	void twoLinesOfAMethodWhoseClassHasNoSourceFileNameAreDescribedApart() {
		TaskOrigin first = TaskOrigin.callSite("com.example.Ping", "start", null, 42);
		TaskOrigin second = TaskOrigin.callSite("com.example.Ping", "start", null, 43);
		assertThat(first).isNotEqualTo(second);
		assertThat(first.describe()).isEqualTo("com.example.Ping.start(Unknown Source:42)")
			.isNotEqualTo(second.describe());
	}

	@Test
	void aFrameWithNoLineIsOneOriginWhateverNegativeLineItTells() {
		assertThat(TaskOrigin.callSite("com.example.Ping", "start", "Ping.java", -2))
			.isEqualTo(TaskOrigin.callSite("com.example.Ping", "start", "Ping.java", -1));
	}

	@Test
	void aScheduledMethodIsDescribedByItsBeanClassAndName() {
		assertThat(TaskOrigin.scheduledMethod("com.example.Report", "generate").describe())
			.isEqualTo("com.example.Report#generate");
	}

}
