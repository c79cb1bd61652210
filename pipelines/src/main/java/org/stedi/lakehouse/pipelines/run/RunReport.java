package org.stedi.lakehouse.pipelines.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.stedi.lakehouse.model.DeviceOwnerRule;
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
 * <p>What the figures are made of, so that they are exact on every runner whatever it retried or
 * recomputed: "read", "quarantined" and the rows each rule produced are counted as data ({@link
 * Tallies}); "written" is the number of rows in the table's staged Parquet files, summed from their
 * footers before the run publishes (which also proves each file whole); "filtered" is the rule's
 * input less what it produced. The reasons ("details") and the devices come from the runner's
 * counters: Beam metrics, which Spark reports as attempted values, so a recomputed partition counts
 * twice there. A table reconciles when its files hold exactly the rows produced and its lines add
 * up; when the counters' own totals equal the data's, the reasons must also add up to the filtered
 * rows (always on the DirectRunner, whose counters are committed values).
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
    Devices devices,
    List<Snapshot> snapshots) {

  /**
   * The Iceberg snapshot a run committed for one table ({@code --tableFormat=iceberg}).
   *
   * @param snapshotId the snapshot's id, for time travel ({@code show --asOf=ID})
   * @param committedAt when the catalog took the commit
   * @param files the data files the snapshot holds
   * @param expiredSnapshots older snapshots expired by the run ({@code --keepSnapshots})
   * @param orphanFilesRemoved data files that no snapshot referenced (of runs killed before they
   *     committed, or left by an expiry cut short), deleted by the run
   * @param commitMillis how long the table's commit, expiry and clean-up took
   */
  @JsonPropertyOrder({"table", "snapshotId", "committedAt", "files", "expiredSnapshots", "orphanFilesRemoved", "commitMillis"})
  public record Snapshot(
      String table,
      long snapshotId,
      String committedAt,
      int files,
      int expiredSnapshots,
      int orphanFilesRemoved,
      long commitMillis) {}

  /** The report with the snapshots the run committed. */
  public RunReport withSnapshots(List<Snapshot> committed) {
    return new RunReport(runId, pipeline, lake, runner, started, duration, options, tables, devices, List.copyOf(committed));
  }

  /**
   * The counts of one output table.
   *
   * @param read rows the table's rule took in (for a landing table: its non-blank lines, records and
   *     rejected lines), counted as data
   * @param written rows in the table's staged files, from their Parquet footers
   * @param filtered rows the rule left out: for machine_learning_curated the step readings without a
   *     pair (from the counters), else the rule's input less the rows it produced, counted as data
   * @param quarantined rejected landing lines, counted as data
   * @param produced rows the rule handed to the table's write, counted as data
   * @param details why rows were filtered, from the runner's counters
   * @param detailsExact whether the counters saw each element once: their totals equal the data's.
   *     Spark reports counters as attempted values, so a recomputed partition counts twice there;
   *     then the details are approximate and only the data decides
   * @param countersCommitted whether the runner reported committed counter values (the
   *     DirectRunner), in which case the details must be exact
   */
  @JsonPropertyOrder({
    "table", "read", "written", "filtered", "quarantined", "produced", "reconciled", "detailsExact",
    "countersCommitted", "details"
  })
  public record TableCounts(
      String table,
      long read,
      long written,
      long filtered,
      long quarantined,
      long produced,
      Map<String, Long> details,
      boolean detailsExact,
      boolean countersCommitted) {

    @JsonProperty
    public boolean reconciled() {
      boolean files = written == produced;
      if (countersCommitted && !detailsExact) {
        return false;
      }
      if (LakeTable.MACHINE_LEARNING_CURATED.tableName().equals(table)) {
        return files
            && quarantined == 0
            && (!detailsExact
                || (read == details.getOrDefault("pairedStepReadings", -1L) + filtered
                    && written == details.getOrDefault("pairs", -1L)));
      }
      long reasons = details.values().stream().mapToLong(Long::longValue).sum();
      return files && read == written + filtered + quarantined && (!detailsExact || reasons == filtered);
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
  @JsonPropertyOrder({
    "devices", "attributed", "ownedByCurated", "withoutOwner", "noPhone", "noMajority", "ties", "curatedOwners",
    "curatedWithOtherSerial", "sharedSerials", "recordsWithSharedSerial"
  })
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Devices(
      long devices,
      @JsonProperty("attributed") long owned,
      long noPhone,
      long noMajority,
      long ties,
      long ownedByCurated,
      long curatedOwners,
      long curatedWithOtherSerial,
      Long sharedSerials,
      Long recordsWithSharedSerial) {

    /** Without an owner, for any reason. */
    @JsonProperty
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

  private static final ObjectMapper JSON = new ObjectMapper();

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

  /**
   * Builds the report of a finished run: row counts from its tallies (data) and its staged files'
   * footers, the reasons for filtering and the devices from its counters.
   */
  static RunReport of(
      LakeJob job,
      String runId,
      Lake lake,
      String runner,
      Map<String, Object> options,
      Instant started,
      Duration duration,
      MetricResults metrics,
      Tallies tallies,
      Map<LakeTable, Long> writtenRows) {
    Counters counters = Counters.of(metrics);
    List<TableCounts> tables = new ArrayList<>();
    boolean bySerialNumber = DeviceOwnerRule.SERIAL_NUMBER.flag().equals(options.get("deviceOwner"));
    for (LakeTable table : job.outputs()) {
      tables.add(counts(table, counters, tallies, bySerialNumber, writtenRows.get(table)));
    }
    Devices devices = null;
    if (job.landing().contains(Source.STEP_TRAINER) && job.landing().contains(Source.ACCELEROMETER)) {
      boolean customerLanding = job.landing().contains(Source.CUSTOMER);
      devices =
          new Devices(
              counters.get(DeviceOwnership.class, DeviceOwnership.DEVICES),
              counters.get(DeviceOwnership.class, DeviceOwnership.DEVICES_OWNED),
              counters.get(DeviceOwnership.class, DeviceOwnership.DEVICES_WITHOUT_PHONE),
              counters.get(DeviceOwnership.class, DeviceOwnership.DEVICES_WITHOUT_MAJORITY),
              counters.get(DeviceOwnership.class, DeviceOwnership.DEVICES_TIED),
              counters.get(OwnedDevices.class, OwnedDevices.DEVICES_OF_CUSTOMERS),
              counters.get(OwnedDevices.class, OwnedDevices.CUSTOMERS_OWNING_DEVICES),
              counters.get(OwnedDevices.class, OwnedDevices.CUSTOMERS_WITH_OTHER_SERIAL),
              customerLanding ? counters.get(SharedSerials.class, SharedSerials.SHARED_SERIALS) : null,
              customerLanding ? counters.get(SharedSerials.class, SharedSerials.RECORDS_WITH_SHARED_SERIAL) : null);
    }
    return new RunReport(
        runId, job.name(), lake.root(), runner, started, duration, options, List.copyOf(tables), devices, null);
  }

  private static TableCounts counts(
      LakeTable table, Counters c, Tallies t, boolean bySerialNumber, Long footerRows) {
    String name = table.tableName();
    long produced = t.get(name + LakeIO.ROWS);
    long written = footerRows != null ? footerRows : produced;
    Map<String, Long> details = new LinkedHashMap<>();
    switch (table) {
      case CUSTOMER_TRUSTED, ACCELEROMETER_TRUSTED, STEP_TRAINER_TRUSTED -> {
        Source source = table.source();
        long records = t.get(source.folder() + LakeIO.RECORDS);
        long quarantined = t.get(source.folder() + LakeIO.QUARANTINED);
        long read = records + quarantined;
        boolean exact = c.get(ReadLanding.class, ReadLanding.linesCounter(source)) == read;
        switch (table) {
          case CUSTOMER_TRUSTED -> {
            long counted = c.get(ConsentFilter.class, ConsentFilter.RECORDS);
            details.put("supersededRecords", counted - c.get(ConsentFilter.class, ConsentFilter.CURRENT_RECORDS));
            details.put("withoutConsent", c.get(ConsentFilter.class, ConsentFilter.WITHOUT_CONSENT));
            exact &= counted == records && c.get(ConsentFilter.class, ConsentFilter.KEPT) == produced;
          }
          case ACCELEROMETER_TRUSTED -> {
            details.put("unknownUsers", c.get(EmailJoin.class, EmailJoin.READINGS_OF_UNKNOWN_USERS));
            details.put("beforeConsent", c.get(EmailJoin.class, EmailJoin.READINGS_BEFORE_CONSENT));
            details.put("duplicates", c.get(EmailJoin.class, EmailJoin.DUPLICATE_READINGS));
            exact &= c.get(EmailJoin.class, EmailJoin.READINGS) == records && c.get(EmailJoin.class, EmailJoin.READINGS_KEPT) == produced;
          }
          default -> {
            details.put(
                bySerialNumber ? "unknownSerials" : "devicesNotOwnedByCurated",
                c.get(SerialNumberJoin.class, bySerialNumber ? "readingsOfUnknownSerials" : "readingsOfOtherDevices"));
            details.put("beforeConsent", c.get(SerialNumberJoin.class, SerialNumberJoin.READINGS_BEFORE_CONSENT));
            details.put("duplicates", c.get(SerialNumberJoin.class, SerialNumberJoin.DUPLICATE_READINGS));
            exact &= c.get(SerialNumberJoin.class, SerialNumberJoin.READINGS) == records
                && c.get(SerialNumberJoin.class, SerialNumberJoin.READINGS_KEPT) == produced;
          }
        }
        return new TableCounts(name, read, written, records - produced, quarantined, produced, details, exact, c.committed());
      }
      case CUSTOMERS_CURATED -> {
        long input = t.get(name + LakeIO.INPUT);
        details.put("withoutReadings", c.get(EmailJoin.class, EmailJoin.CUSTOMERS_WITHOUT_READINGS));
        boolean exact =
            c.get(EmailJoin.class, EmailJoin.CUSTOMERS) == input && c.get(EmailJoin.class, EmailJoin.CUSTOMERS_WITH_READINGS) == produced;
        return new TableCounts(name, input, written, input - produced, 0, produced, details, exact, c.committed());
      }
      case MACHINE_LEARNING_CURATED -> {
        long input = t.get(name + LakeIO.INPUT);
        details.put("pairedStepReadings", c.get(TimestampJoin.class, TimestampJoin.STEP_READINGS_PAIRED));
        details.put("pairs", c.get(TimestampJoin.class, TimestampJoin.PAIRS));
        details.put("accelerometerReadings", c.get(TimestampJoin.class, TimestampJoin.ACCELEROMETER_READINGS));
        boolean exact =
            c.get(TimestampJoin.class, TimestampJoin.STEP_READINGS) == input && c.get(TimestampJoin.class, TimestampJoin.PAIRS) == produced;
        return new TableCounts(
            name, input, written, c.get(TimestampJoin.class, TimestampJoin.STEP_READINGS_UNPAIRED), 0, produced, details, exact,
            c.committed());
      }
      default -> throw new IllegalArgumentException(name + " is not written by a pipeline");
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
    List<String> approximate = tables.stream().filter(t -> !t.detailsExact()).map(TableCounts::table).toList();
    if (!approximate.isEmpty()) {
      out.append(
          String.format(
              "the runner's counters counted some work twice (retried or recomputed); the row counts above come from "
                  + "the data and the files, the reasons of %s from those counters are approximate%n",
              String.join(", ", approximate)));
    }
    if (devices != null) {
      out.append("devices: ").append(devices.summary());
      if (!approximate.isEmpty()) {
        // The device figures are counters of the same run: what counted some work twice may have counted them twice.
        out.append(" (approximate: from the same counters)");
      }
      out.append(String.format("%n"));
    }
    for (TableCounts t : tables) {
      if (LakeTable.MACHINE_LEARNING_CURATED.tableName().equals(t.table())) {
        out.append(
            String.format(
                "machine_learning_curated: read = step trainer readings; %d paired, %d without an accelerometer reading (filtered); written = %d pairs%n",
                t.details().get("pairedStepReadings"), t.filtered(), t.written()));
      }
    }
    if (snapshots != null) {
      for (Snapshot s : snapshots) {
        out.append(
            String.format(
                "iceberg: %s snapshot %d (%d files, committed in %.1f s)%s%s%n",
                s.table(),
                s.snapshotId(),
                s.files(),
                s.commitMillis() / 1000.0,
                s.expiredSnapshots() > 0 ? String.format(", %d older snapshots expired", s.expiredSnapshots()) : "",
                s.orphanFilesRemoved() > 0
                    ? String.format(", %d files of unfinished runs removed", s.orphanFilesRemoved())
                    : ""));
      }
    }
    return out.toString();
  }

  /** The report as JSON, as it is kept under {@code <lake>/_reports/}. */
  public String toJson() {
    JsonReport report =
        new JsonReport(
            runId, pipeline, lake, runner, started.toString(), duration.toMillis(), options, reconciled(), tables, devices,
            snapshots);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON of a report: the names and order that readers of {@code _reports/} rely on. */
  @JsonPropertyOrder({
    "runId", "pipeline", "lake", "runner", "started", "durationMillis", "options", "reconciled", "tables", "devices",
    "snapshots"
  })
  @JsonInclude(JsonInclude.Include.NON_NULL)
  private record JsonReport(
      String runId,
      String pipeline,
      String lake,
      String runner,
      String started,
      long durationMillis,
      Map<String, Object> options,
      boolean reconciled,
      List<TableCounts> tables,
      Devices devices,
      List<Snapshot> snapshots) {}

  /** Counter values summed over steps: committed where the runner has them, else attempted. */
  private static final class Counters {
    private final Map<String, Long> values;
    private final boolean committed;

    private Counters(Map<String, Long> values, boolean committed) {
      this.values = values;
      this.committed = committed;
    }

    static Counters of(MetricResults metrics) {
      Map<String, Long> values = new HashMap<>();
      boolean committed = true;
      for (MetricResult<Long> counter : metrics.queryMetrics(MetricsFilter.builder().build()).getCounters()) {
        String key = counter.getName().getNamespace() + "/" + counter.getName().getName();
        Long value = committedValue(counter);
        if (value == null) {
          committed = false;
          value = counter.getAttempted() == null ? 0 : counter.getAttempted();
        }
        values.merge(key, value, Long::sum);
      }
      return new Counters(values, committed);
    }

    /** The committed value, or null when this runner reports attempted values only. */
    private static Long committedValue(MetricResult<Long> counter) {
      try {
        return counter.getCommitted();
      } catch (UnsupportedOperationException e) {
        return null;
      }
    }

    /** Whether the runner reported committed values, which count each element once. */
    boolean committed() {
      return committed;
    }

    long get(Class<?> namespace, String name) {
      return get(namespace.getName(), name);
    }

    long get(String namespace, String name) {
      return values.getOrDefault(namespace + "/" + name, 0L);
    }
  }
}
