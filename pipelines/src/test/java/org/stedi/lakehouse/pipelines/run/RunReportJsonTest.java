package org.stedi.lakehouse.pipelines.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON that readers of {@code _reports/} rely on: its field names, order and values; and what the
 * text says when the runner's counters are not exact.
 */
class RunReportJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RunReport report(RunReport.Devices devices) {
    return report(devices, true);
  }

  private static RunReport report(RunReport.Devices devices, boolean detailsExact) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("deviceOwner", "readings");
    options.put("consentSinceDate", false);
    options.put("filesPerPartition", 2);
    Map<String, Long> details = new LinkedHashMap<>();
    details.put("unknownUsers", 3L);
    details.put("beforeConsent", 0L);
    RunReport.TableCounts table = new RunReport.TableCounts("accelerometer_trusted", 10, 6, 3, 1, 6, details, detailsExact, true);
    return new RunReport(
        "20261201T000000Z-abcdef", "lakehouse", "/lake", "DirectRunner", Instant.parse("2026-12-01T00:00:00Z"),
        Duration.ofMillis(1234), options, List.of(table), devices, null);
  }

  @Test
  void writesEveryFieldInTheOrderReadersKnow() throws Exception {
    RunReport.Devices devices = new RunReport.Devices(12, 5, 4, 2, 1, 3, 2, 2, 30L, 965L);
    JsonNode json = JSON.readTree(report(devices).toJson());

    assertEquals(
        List.of("runId", "pipeline", "lake", "runner", "started", "durationMillis", "options", "reconciled", "tables", "devices"),
        names(json));
    assertEquals("2026-12-01T00:00:00Z", json.get("started").asText());
    assertEquals(1234, json.get("durationMillis").asLong());
    assertEquals(List.of("deviceOwner", "consentSinceDate", "filesPerPartition"), names(json.get("options")));
    assertTrue(json.get("options").get("filesPerPartition").isIntegralNumber());
    assertTrue(json.get("options").get("consentSinceDate").isBoolean());
    JsonNode table = json.get("tables").get(0);
    assertEquals(
        List.of("table", "read", "written", "filtered", "quarantined", "produced", "reconciled", "detailsExact",
            "countersCommitted", "details"),
        names(table));
    assertEquals(6, table.get("written").asLong());
    assertEquals(List.of("unknownUsers", "beforeConsent"), names(table.get("details")));
    assertEquals(
        List.of("devices", "attributed", "ownedByCurated", "withoutOwner", "noPhone", "noMajority", "ties", "curatedOwners",
            "curatedWithOtherSerial", "sharedSerials", "recordsWithSharedSerial"),
        names(json.get("devices")));
    assertEquals(7, json.get("devices").get("withoutOwner").asLong());
    assertEquals(965, json.get("devices").get("recordsWithSharedSerial").asLong());
    assertTrue(report(devices).toJson().endsWith("}\n"));
  }

  @Test
  void leavesOutWhatARunDidNotMeasure() throws Exception {
    JsonNode withoutDevices = JSON.readTree(report(null).toJson());
    assertFalse(withoutDevices.has("devices"));

    JsonNode withoutCustomers = JSON.readTree(report(new RunReport.Devices(9, 5, 4, 2, 1, 1, 3, 2, null, null)).toJson());
    assertFalse(withoutCustomers.get("devices").has("sharedSerials"));
    assertFalse(withoutCustomers.get("devices").has("recordsWithSharedSerial"));
  }

  @Test
  void theDeviceLineIsMarkedApproximateWhenTheCountersCountedWorkTwice() {
    RunReport.Devices devices = new RunReport.Devices(12, 5, 4, 2, 1, 3, 2, 2, 30L, 965L);
    String exact = report(devices, true).toText();
    String twice = report(devices, false).toText();

    String exactLine = exact.lines().filter(l -> l.startsWith("devices: ")).findFirst().orElseThrow();
    String twiceLine = twice.lines().filter(l -> l.startsWith("devices: ")).findFirst().orElseThrow();
    assertFalse(exactLine.contains("approximate"), exactLine);
    assertTrue(twiceLine.endsWith(" (approximate: from the same counters)"), twiceLine);
    assertTrue(twice.contains("the reasons of accelerometer_trusted from those counters are approximate"), twice);
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
