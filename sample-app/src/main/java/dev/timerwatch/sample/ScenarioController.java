package dev.timerwatch.sample;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.timerwatch.sample.scenario.Scenario;
import dev.timerwatch.sample.scenario.Variant;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Starts and stops the scenarios: {@code GET /scenarios},
 * {@code POST /scenarios/{name}?variant=leaky|fixed}, {@code DELETE /scenarios/{name}}.
 */
@RestController
@RequestMapping("/scenarios")
public class ScenarioController {

	private final Map<String, Scenario> scenarios;

	public ScenarioController(List<Scenario> scenarios) {
		this.scenarios = scenarios.stream().collect(Collectors.toMap(Scenario::name, Function.identity()));
	}

	@GetMapping
	public List<ScenarioDescriptor> list() {
		return this.scenarios.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).map(this::describe).toList();
	}

	@PostMapping("/{name}")
	public ScenarioDescriptor start(@PathVariable String name, @RequestParam(defaultValue = "leaky") String variant) {
		Scenario scenario = find(name);
		scenario.start(Variant.parse(variant));
		return describe(scenario);
	}

	@DeleteMapping("/{name}")
	public ScenarioDescriptor stop(@PathVariable String name) {
		Scenario scenario = find(name);
		scenario.stop();
		return describe(scenario);
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException ex) {
		return ResponseEntity.badRequest().body(Map.of("error", ex.getMessage()));
	}

	private Scenario find(String name) {
		Scenario scenario = this.scenarios.get(name);
		if (scenario == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No scenario '" + name + "'");
		}
		return scenario;
	}

	private ScenarioDescriptor describe(Scenario scenario) {
		Variant variant = scenario.variant();
		return new ScenarioDescriptor(scenario.name(), scenario.description(), variant != null,
				(variant != null) ? variant.name().toLowerCase(java.util.Locale.ROOT) : null);
	}

	/**
	 * One scenario and whether it runs.
	 *
	 * @param name the name
	 * @param description what it does
	 * @param running whether it runs
	 * @param variant which variant runs, or {@code null}
	 */
	public record ScenarioDescriptor(String name, String description, boolean running, String variant) {
	}

}
