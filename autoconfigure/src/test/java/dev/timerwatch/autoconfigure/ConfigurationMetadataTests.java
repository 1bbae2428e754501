package dev.timerwatch.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata an IDE reads from the jar, against the properties README.md
 * documents.
 */
class ConfigurationMetadataTests {

	private static final Pattern DOCUMENTED_PROPERTY = Pattern.compile("^\\| `([a-z.-]+)` \\|", Pattern.MULTILINE);

	@Test
	void healthIndicatorSwitchIsDescribedWithItsDefault() throws IOException {
		assertThat(properties()).filteredOn((property) -> "management.health.timers.enabled".equals(property.get("name")))
			.singleElement()
			.satisfies((property) -> assertThat(property).containsEntry("type", "java.lang.Boolean")
				.containsEntry("defaultValue", true)
				.containsKey("description"));
	}

	@Test
	void everyPropertyInTheReadmeIsInTheMetadata() throws IOException {
		String readme = Files.readString(Path.of("../README.md"));
		String table = readme.substring(readme.indexOf("## Configuration properties"));
		table = table.substring(0, table.indexOf("\n## ", 1));
		Matcher documented = DOCUMENTED_PROPERTY.matcher(table);
		List<String> known = properties().stream().map((property) -> (String) property.get("name")).toList();
		int count = 0;
		while (documented.find()) {
			assertThat(known).as("metadata for %s", documented.group(1)).contains(documented.group(1));
			count++;
		}
		assertThat(count).as("properties found in README.md").isGreaterThan(10);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> properties() throws IOException {
		try (InputStream metadata = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).as("META-INF/spring-configuration-metadata.json").isNotNull();
			String json = new String(metadata.readAllBytes(), StandardCharsets.UTF_8);
			return (List<Map<String, Object>>) JsonParserFactory.getJsonParser().parseMap(json).get("properties");
		}
	}

}
