package org.stedi.lakehouse.runners.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.stedi.lakehouse.runners.StediCommand;

/**
 * The lake as a Spark application: the class to give spark-submit ({@code --class}), on EMR or any
 * Spark 3.5 cluster. It takes the {@code stedi} command's arguments ({@code lakehouse
 * --lake=s3://bucket/stedi}), runs on the SparkRunner unless {@code --runner} says otherwise, and
 * on the cluster that spark-submit configured (its {@code spark.master} wins over {@code
 * --sparkMaster}).
 *
 * <p>Unlike {@link StediCommand#main}, it never calls {@code System.exit}: it returns when the run
 * succeeded and throws when it failed, which is how YARN tells a succeeded application from a
 * failed one.
 */
public final class SparkJob {
  private SparkJob() {}

  public static void main(String[] args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (Stream.of(args).noneMatch(arg -> arg.startsWith("--runner="))) {
      all.add("--runner=SparkRunner");
    }
    int status = StediCommand.execute(all.toArray(String[]::new));
    if (status != 0) {
      throw new IllegalStateException(
          "stedi " + String.join(" ", args) + " failed with exit status " + status + " (its message is above)");
    }
  }
}
