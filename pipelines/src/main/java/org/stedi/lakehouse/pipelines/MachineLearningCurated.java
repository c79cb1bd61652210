package org.stedi.lakehouse.pipelines;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.MachineLearningRow;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.transforms.TimestampJoin;

/**
 * step_trainer_trusted + accelerometer_trusted → machine_learning_curated: each step trainer reading
 * paired with the accelerometer readings of its device's customers at the same millisecond
 * ({@link TimestampJoin}); with {@code --pairOnTimestampOnly=true}, paired on the millisecond alone.
 */
public final class MachineLearningCurated {
  public static final LakeJob JOB =
      new LakeJob(
          "machine_learning_curated",
          List.of(),
          List.of(LakeTable.STEP_TRAINER_TRUSTED, LakeTable.ACCELEROMETER_TRUSTED, LakeTable.CUSTOMERS_CURATED),
          List.of(LakeTable.MACHINE_LEARNING_CURATED),
          List.of(),
          MachineLearningCurated::buildGraph);

  private MachineLearningCurated() {}

  public static void main(String[] args) {
    LakeRun.main(JOB, args);
  }

  public static LakeRun.Result run(LakeOptions options) {
    return LakeRun.run(JOB, options);
  }

  static void buildGraph(Pipeline pipeline, LakeIO io, LakeOptions options) {
    PCollection<StepTrainerReading> stepTrainerTrusted =
        io.readTable(pipeline, LakeTable.STEP_TRAINER_TRUSTED, TableFormat.STEP_TRAINER);
    PCollection<AccelerometerReading> accelerometerTrusted =
        io.readTable(pipeline, LakeTable.ACCELEROMETER_TRUSTED, TableFormat.ACCELEROMETER);
    PCollection<Customer> customersCurated =
        io.readTable(pipeline, LakeTable.CUSTOMERS_CURATED, TableFormat.CUSTOMER);
    io.writeTable(
        LakeTable.MACHINE_LEARNING_CURATED,
        curated(stepTrainerTrusted, accelerometerTrusted, customersCurated, options),
        TableFormat.MACHINE_LEARNING);
  }

  /** machine_learning_curated from the trusted readings and customers_curated. */
  public static PCollection<MachineLearningRow> curated(
      PCollection<StepTrainerReading> stepTrainerTrusted,
      PCollection<AccelerometerReading> accelerometerTrusted,
      PCollection<Customer> customersCurated,
      LakeOptions options) {
    return stepTrainerTrusted.apply(
        "PairStepAndAccelerometerReadings",
        TimestampJoin.pairWith(accelerometerTrusted, customersCurated)
            .withTimestampOnlyPairing(options.getPairOnTimestampOnly()));
  }
}
