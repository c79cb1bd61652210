package org.stedi.lakehouse.pipelines;

import static org.stedi.lakehouse.testing.Stedi.EXERCISE_TIME;
import static org.stedi.lakehouse.testing.Stedi.SANTOSH;
import static org.stedi.lakehouse.testing.Stedi.SARAH;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_1;
import static org.stedi.lakehouse.testing.Stedi.SERIAL_2;
import static org.stedi.lakehouse.testing.Stedi.consenting;

import java.nio.file.Path;
import java.util.List;
import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.LandingFiles;
import org.stedi.lakehouse.testing.StepTrainerLine;

/**
 * The smallest lake with every table: two consenting customers, Santosh (updated at 1000) on
 * {@code SERIAL_1} and Sarah on {@code SERIAL_2}, each with one phone reading and one step reading
 * at the same millisecond, Sarah's a second after Santosh's.
 */
public final class TwoCustomers {
  /** Sarah exercises a second after Santosh: each device's one reading time has one phone. */
  public static final long SARAHS_TIME = EXERCISE_TIME + 1000;

  private TwoCustomers() {}

  /** Writes the landing files under {@code lake} (a local lake, or an S3 server's folder of the lake). */
  public static void write(Path lake) {
    LandingFiles.write(
        lake.resolve("customer/landing/customers.json"),
        List.of(consenting(SANTOSH, SERIAL_1).lastUpdateDate(1000L), consenting(SARAH, SERIAL_2)));
    LandingFiles.write(
        lake.resolve("accelerometer/landing/a.json"),
        List.of(AccelerometerLine.of(SANTOSH, EXERCISE_TIME, 1, 2, 3), AccelerometerLine.of(SARAH, SARAHS_TIME, 4, 5, 6)));
    LandingFiles.write(
        lake.resolve("step_trainer/landing/s.json"),
        List.of(StepTrainerLine.of(EXERCISE_TIME, SERIAL_1, 218), StepTrainerLine.of(SARAHS_TIME, SERIAL_2, 200)));
  }
}
