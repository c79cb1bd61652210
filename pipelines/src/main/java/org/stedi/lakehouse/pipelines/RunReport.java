package org.stedi.lakehouse.pipelines;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.stedi.lakehouse.landing.ReadLanding;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.transforms.ConsentFilter;
import org.stedi.lakehouse.transforms.DeviceOwnership;
import org.stedi.lakehouse.transforms.EmailJoin;
import org.stedi.lakehouse.transforms.OwnedDevices;
import org.stedi.lakehouse.transforms.SerialNumberJoin;
import org.stedi.lakehouse.transforms.SharedSerials;
import org.stedi.lakehouse.transforms.TimestampJoin;

/**
 * What a run read, wrote, filtered and quarantined per table, from the pipeline's counters, with
 * the contract's section 5 reconciliation: rows read = rows written + rows filtered by the rule + rows
 * quarantined.
 *
 * <p>For machine_learning_curated, "read" counts step trainer readings, "filtered" those without
 * an accelerometer reading to pair with, and "written" the pairs: a paired step reading gives one
 * row per accelerometer reading at its millisecond. It reconciles when every step reading is
 * either paired or filtered and the rows written are exactly the pairs made.
 *
 * <p>"written" is the number of rows in the table's staged Parquet files, summed from their
 * footers before the run publishes; the other figures come from the pipeline's counters.
 *
 * <p>A run that decides device ownership (step_trainer_trusted, machine_learning_curated, the
 * lakehouse) also reports its {@link Devices}: counts, never emails.
 */
public record RunReport(
    String runId,
    String pipeline,
    String lake,
    String runner,
    Instant started,
    Duration duration,
    Map<String, Object> options,
    List<TableCounts> tables,
    Devices devices) {

  /** The counts of one output table. */
  public record TableCounts(
      String table, long read, long written, long filtered, long quarantined, Map<String, Long> details) {

    public boolean reconciled() {
      if (LakeTable.MACHINE_LEARNING_CURATED.tableName().equals(table)) {
        return read == details.getOrDefault("pairedStepReadings", -1L) + filtered
            && written == details.getOrDefault("pairs", -1L)
            && quarantined == 0;
      }
      return read == written + filtered + quarantined;
    }
  }

  /**
   * What a run found out about the devices (the lake contract's device ownership), and the
   * serial-number bug measured: counts only.
   *
   * @param devices distinct serial numbers of the valid step trainer landing readings
   * @param owned devices that have an owner by their readings (customer or not)
   * @param noPhone devices at whose reading times no phone recorded
   * @param noMajority devices whose best user has half of their reading times or less
   * @param ties devices whose best evidence two users share
   * @param ownedByCurated owned devices whose owner is a customers_curated customer
   * @param curatedOwners customers_curated customers who own at least one device
   * @param curatedWithOtherSerial of those, the customers whose {@code serialNumber} is none of
   *     their devices' serials
   * @param sharedSerials serial numbers that valid customer landing records of more than one email
   *     carry; null when the run did not read the customer landing data
   * @param recordsWithSharedSerial the valid customer landing records that carry such a serial;
   *     null when the run did not read the customer landing data
   */
  public record Devices(
      long devices,
      long owned,
      long noPhone,
      long noMajority,
      long ties,
      long ownedByCurated,
      long curatedOwners,
      long curatedWithOtherSerial,
      Long sharedSerials,
      Long recordsWithSharedSerial) {

    /** Without an owner, for any reason. */
    public long withoutOwner() {
      return noPhone + noMajority + ties;
    }

    /** The report's line about devices, for a data scientist to read at a glance. */
    public String summary() {
      StringBuilder line = new StringBuilder();
      if (sharedSerials != null) {
        line.append(
            String.format(
                "serial-number bug: %d serial numbers shared by %d customer records; ", sharedSerials, recordsWithSharedSerial));
      }
      line.append(
          String.format(
              "%d devices: %d attributed by their readings (%d to curated customers), %d without an owner "
                  + "(%d no phone, %d no majority, %d %s); %d of the %d curated customers who own a device "
                  + "have a serialNumber that is not their device's",
              devices, owned, ownedByCurated, withoutOwner(), noPhone, noMajority, ties, ties == 1 ? "tie" : "ties",
              curatedWithOtherSerial, curatedOwners));
      return line.toString();
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  public boolean reconciled() {
    return tables.stream().allMatch(TableCounts::reconciled);
  }

  /** The counts of one table by name. */
  public TableCounts table(LakeTable table) {
    return tables.stream()
        .filter(t -> t.table().equals(table.tableName()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the run wrote no " + table.tableName()));
  }

  /** Builds the report of a finished run from its counters. */
  static RunReport of(
      LakeJob job,
      String runId,
      Lake lake,
      String runner,
      Map<String, Object> options,
      Instant started,
      Duration duration,
      MetricResults metrics,
      Map<LakeTable, Long> writtenRows) {
    Counters counters = Counters.of(metrics);
    List<TableCounts> tables = new ArrayList<>();
    boolean bySerialNumber = DeviceOwnerRule.SERIAL_NUMBER.flag().equals(options.get("deviceOwner"));
    for (LakeTable table : job.outputs()) {
      tables.add(counts(table, counters, bySerialNumber, writtenRows.get(table)));
    }
    Devices devices = null;
    if (job.landing().contains(Source.STEP_TRAINER) && job.landing().contains(Source.ACCELEROMETER)) {
      boolean customerLanding = job.landing().contains(Source.CUSTOMER);
      devices =
          new Devices(
              counters.get(DeviceOwnership.class, "devices"),
              counters.get(DeviceOwnership.class, "devicesOwned"),
              counters.get(DeviceOwnership.class, "devicesWithoutPhone"),
              counters.get(DeviceOwnership.class, "devicesWithoutMajority"),
              counters.get(DeviceOwnership.class, "devicesTied"),
              counters.get(OwnedDevices.class, "devicesOfCustomers"),
              counters.get(OwnedDevices.class, "customersOwningDevices"),
              counters.get(OwnedDevices.class, "customersWithOtherSerial"),
              customerLanding ? counters.get(SharedSerials.class, "sharedSerials") : null,
              customerLanding ? counters.get(SharedSerials.class, "recordsWithSharedSerial") : null);
    }
    return new RunReport(
        runId, job.name(), lake.root(), runner, started, duration, options, List.copyOf(tables), devices);
  }

  private static TableCounts counts(LakeTable table, Counters c, boolean bySerialNumber, Long footerRows) {
    // The rows in the staged files, from their footers; the counter only where no files were counted.
    long written = footerRows != null ? footerRows : c.get(LakeIO.WRITTEN_NAMESPACE, table.tableName() + "_written");
    Map<String, Long> details = new LinkedHashMap<>();
    switch (table) {
      case CUSTOMER_TRUSTED -> {
        long records = c.get(ConsentFilter.class, "records");
        long current = c.get(ConsentFilter.class, "currentRecords");
        details.put("supersededRecords", records - current);
        details.put("withoutConsent", c.get(ConsentFilter.class, "withoutConsent"));
        return new TableCounts(
            table.tableName(),
            c.get(ReadLanding.class, "customer_lines"),
            written,
            records - c.get(ConsentFilter.class, "kept"),
            c.get(ReadLanding.class, "customer_quarantined"),
            details);
      }
      case ACCELEROMETER_TRUSTED -> {
        long unknown = c.get(EmailJoin.class, "readingsOfUnknownUsers");
        long beforeConsent = c.get(EmailJoin.class, "readingsBeforeConsent");
        long duplicates = c.get(EmailJoin.class, "duplicateReadings");
        details.put("unknownUsers", unknown);
        details.put("beforeConsent", beforeConsent);
        details.put("duplicates", duplicates);
        return new TableCounts(
            table.tableName(),
            c.get(ReadLanding.class, "accelerometer_lines"),
            written,
            unknown + beforeConsent + duplicates,
            c.get(ReadLanding.class, "accelerometer_quarantined"),
            details);
      }
      case CUSTOMERS_CURATED -> {
        long without = c.get(EmailJoin.class, "customersWithoutReadings");
        details.put("withoutReadings", without);
        return new TableCounts(table.tableName(), c.get(EmailJoin.class, "customers"), written, without, 0, details);
      }
      case STEP_TRAINER_TRUSTED -> {
        long unknown =
            c.get(SerialNumberJoin.class, bySerialNumber ? "readingsOfUnknownSerials" : "readingsOfOtherDevices");
        long beforeConsent = c.get(SerialNumberJoin.class, "readingsBeforeConsent");
        long duplicates = c.get(SerialNumberJoin.class, "duplicateReadings");
        details.put(bySerialNumber ? "unknownSerials" : "devicesNotOwnedByCurated", unknown);
        details.put("beforeConsent", beforeConsent);
        details.put("duplicates", duplicates);
        return new TableCounts(
            table.tableName(),
            c.get(ReadLanding.class, "step_trainer_lines"),
            written,
            unknown + beforeConsent + duplicates,
            c.get(ReadLanding.class, "step_trainer_quarantined"),
            details);
      }
      case MACHINE_LEARNING_CURATED -> {
        details.put("pairedStepReadings", c.get(TimestampJoin.class, "stepReadingsPaired"));
        details.put("pairs", c.get(TimestampJoin.class, "pairs"));
        details.put("accelerometerReadings", c.get(TimestampJoin.class, "accelerometerReadings"));
        return new TableCounts(
            table.tableName(),
            c.get(TimestampJoin.class, "stepReadings"),
            written,
            c.get(TimestampJoin.class, "stepReadingsUnpaired"),
            0,
            details);
      }
      default -> throw new IllegalArgumentException(table.tableName() + " is not written by a pipeline");
    }
  }

  /** The report as an aligned text table, as the command line prints it. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%s run %s on %s (%s, %.1f s)%n", pipeline, runId, lake, runner, duration.toMillis() / 1000.0));
    String format = "%-26s %12s %12s %12s %12s  %s%n";
    out.append(String.format(format, "table", "read", "written", "filtered", "quarantined", "reconciled"));
    for (TableCounts t : tables) {
      out.append(
          String.format(
              format,
              t.table(),
              t.read(),
              t.written(),
              t.filtered(),
              t.quarantined(),
              t.reconciled() ? "yes" : "NO"));
    }
    if (devices != null) {
      out.append("devices: ").append(devices.summary()).append(String.format("%n"));
    }
    for (TableCounts t : tables) {
      if (LakeTable.MACHINE_LEARNING_CURATED.tableName().equals(t.table())) {
        out.append(
            String.format(
                "machine_learning_curated: read = step trainer readings; %d paired, %d without an accelerometer reading (filtered); written = %d pairs%n",
                t.details().get("pairedStepReadings"), t.filtered(), t.written()));
      }
    }
    return out.toString();
  }

  /** The report as JSON, as it is kept under {@code <lake>/_reports/}. */
  public String toJson() {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text).useDefaultPrettyPrinter()) {
      g.writeStartObject();
      g.writeStringField("runId", runId);
      g.writeStringField("pipeline", pipeline);
      g.writeStringField("lake", lake);
      g.writeStringField("runner", runner);
      g.writeStringField("started", started.toString());
      g.writeNumberField("durationMillis", duration.toMillis());
      g.writeObjectFieldStart("options");
      for (Map.Entry<String, Object> option : options.entrySet()) {
        g.writeFieldName(option.getKey());
        Object value = option.getValue();
        if (value instanceof Boolean b) {
          g.writeBoolean(b);
        } else if (value instanceof Number n) {
          g.writeNumber(n.longValue());
        } else {
          g.writeString(String.valueOf(value));
        }
      }
      g.writeEndObject();
      g.writeBooleanField("reconciled", reconciled());
      g.writeArrayFieldStart("tables");
      for (TableCounts t : tables) {
        g.writeStartObject();
        g.writeStringField("table", t.table());
        g.writeNumberField("read", t.read());
        g.writeNumberField("written", t.written());
        g.writeNumberField("filtered", t.filtered());
        g.writeNumberField("quarantined", t.quarantined());
        g.writeBooleanField("reconciled", t.reconciled());
        g.writeObjectFieldStart("details");
        for (Map.Entry<String, Long> detail : t.details().entrySet()) {
          g.writeNumberField(detail.getKey(), detail.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      if (devices != null) {
        g.writeObjectFieldStart("devices");
        g.writeNumberField("devices", devices.devices());
        g.writeNumberField("attributed", devices.owned());
        g.writeNumberField("ownedByCurated", devices.ownedByCurated());
        g.writeNumberField("withoutOwner", devices.withoutOwner());
        g.writeNumberField("noPhone", devices.noPhone());
        g.writeNumberField("noMajority", devices.noMajority());
        g.writeNumberField("ties", devices.ties());
        g.writeNumberField("curatedOwners", devices.curatedOwners());
        g.writeNumberField("curatedWithOtherSerial", devices.curatedWithOtherSerial());
        if (devices.sharedSerials() != null) {
          g.writeNumberField("sharedSerials", devices.sharedSerials());
          g.writeNumberField("recordsWithSharedSerial", devices.recordsWithSharedSerial());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString() + "\n";
  }

  /** Counter values summed over steps: committed where the runner has them, else attempted. */
  private static final class Counters {
    private final Map<String, Long> values;

    private Counters(Map<String, Long> values) {
      this.values = values;
    }

    static Counters of(MetricResults metrics) {
      Map<String, Long> values = new HashMap<>();
      for (MetricResult<Long> counter : metrics.queryMetrics(MetricsFilter.builder().build()).getCounters()) {
        String key = counter.getName().getNamespace() + "/" + counter.getName().getName();
        values.merge(key, valueOf(counter), Long::sum);
      }
      return new Counters(values);
    }

    private static long valueOf(MetricResult<Long> counter) {
      try {
        Long committed = counter.getCommitted();
        if (committed != null) {
          return committed;
        }
      } catch (UnsupportedOperationException e) {
        // This runner only reports attempted values.
      }
      Long attempted = counter.getAttempted();
      return attempted == null ? 0 : attempted;
    }

    long get(Class<?> namespace, String name) {
      return get(namespace.getName(), name);
    }

    long get(String namespace, String name) {
      return values.getOrDefault(namespace + "/" + name, 0L);
    }
  }
}
