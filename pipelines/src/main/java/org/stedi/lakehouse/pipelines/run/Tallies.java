package org.stedi.lakehouse.pipelines.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.stedi.lakehouse.model.HiddenNames;

/**
 * A run's counts as data: at chosen points of the graph (the landing records and rejected lines,
 * the input of each table's rule, the rows handed to each table's write), every bundle emits how
 * many elements it saw as a row {@code (name, count)}, and the rows are written with the run's
 * other outputs. A runner commits a bundle's output once, however often it retried or recomputed
 * the bundle, so the sums are exact on every runner: unlike Beam metrics, which Spark reports as
 * attempted values only, counting a recomputed partition twice. The run report's row counts and the
 * decision to publish rest on these sums and on the staged files' Parquet footers.
 */
final class Tallies {
  private final Map<String, Long> sums;

  private Tallies(Map<String, Long> sums) {
    this.sums = Map.copyOf(sums);
  }

  /** The sum of a tally, 0 when no bundle emitted it (an empty collection). */
  long get(String name) {
    return sums.getOrDefault(name, 0L);
  }

  /** Sums the tally files under {@code location} ({@code name<TAB>count} lines). */
  static Tallies read(String location) {
    Map<String, Long> sums = new HashMap<>();
    try {
      MatchResult match = FileSystems.match(location + "/**", EmptyMatchTreatment.ALLOW);
      for (MatchResult.Metadata file : match.metadata()) {
        if (!HiddenNames.isVisible(location, file.resourceId().toString())) {
          continue;
        }
        try (BufferedReader lines =
            new BufferedReader(
                new InputStreamReader(Channels.newInputStream(FileSystems.open(file.resourceId())), StandardCharsets.UTF_8))) {
          for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            int tab = line.lastIndexOf('\t');
            if (tab < 0) {
              throw new IOException("not a tally line in " + file.resourceId() + ": " + line);
            }
            sums.merge(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)), Long::sum);
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new UncheckedIOException("cannot read the run's tallies at " + location + ": " + e.getMessage(),
          e instanceof IOException io ? io : new IOException(e));
    }
    return new Tallies(sums);
  }

  /** Emits the number of elements of each bundle under one name. */
  static final class TallyFn<T> extends DoFn<T, KV<String, Long>> {
    private final String name;
    private transient long count;

    TallyFn(String name) {
      this.name = name;
    }

    @StartBundle
    public void startBundle() {
      count = 0;
    }

    @ProcessElement
    public void processElement(@Element T element) {
      count++;
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      if (count > 0) {
        context.output(KV.of(name, count), BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
      }
    }
  }
}
